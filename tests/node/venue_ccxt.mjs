// A real third-party client against tickrail-venue: the npm `ccxt` package
// (version pinned in package.json, installed by tools/setup) drives the
// simulator over HTTP (HMAC-signed private calls) and WebSocket, exactly as
// it would drive Deribit. Proves the simulator speaks the protocol, not our
// reading of it.
//
//   node tests/node/venue_ccxt.mjs path/to/tickrail-venue
//
// Starts the venue on a free port, runs the checks, stops it with SIGTERM
// and requires a clean exit. Every wait is bounded.
import { spawn } from 'node:child_process';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, 'package.json'));
let ccxt;
try {
  ccxt = require('ccxt');
} catch (e) {
  console.error('ccxt is not installed in tests/node (tools/setup installs it): ' + e.message);
  process.exit(1);
}

const venuePath = process.argv[2];
if (!venuePath) {
  console.error('usage: venue_ccxt.mjs TICKRAIL_VENUE');
  process.exit(2);
}

const withTimeout = (promise, ms, what) =>
  Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out: ${what}`)), ms))]);

function startVenue() {
  const child = spawn(venuePath, ['--port', '0', '--seed', '3'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const ready = new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk.toString();
      const m = out.match(/listening on ([\d.]+):(\d+)/);
      if (m) resolve({ host: m[1], port: Number(m[2]) });
    });
    child.on('exit', (code) => reject(new Error(`tickrail-venue exited early (${code})`)));
  });
  return { child, ready: withTimeout(ready, 10000, 'tickrail-venue start') };
}

async function main() {
  const { child, ready } = startVenue();
  let exchange;
  try {
    const { host, port } = await ready;
    exchange = new ccxt.pro.deribit({
      apiKey: 'tickrail-demo',
      secret: 'tickrail-demo-secret',
      timeout: 10000,
    });
    exchange.urls.api = { rest: `http://${host}:${port}`, ws: `ws://${host}:${port}/ws/api/v2` };
    await exchange.loadHttpProxyAgent();  // ccxt needs an http agent for plain ws:// urls

    const markets = await withTimeout(exchange.loadMarkets(), 15000, 'loadMarkets');
    const symbol = 'BTC/USD:BTC';
    assert.ok(markets[symbol], 'BTC perpetual listed');
    assert.equal(markets[symbol].id, 'BTC-PERPETUAL');
    assert.ok(Object.values(markets).some((m) => m.option), 'options listed');

    const book = await exchange.fetchOrderBook(symbol);
    assert.ok(book.bids.length > 0 && book.asks.length > 0, 'book has both sides');
    assert.ok(book.bids[0][0] < book.asks[0][0], 'book not crossed');

    const ticker = await exchange.fetchTicker(symbol);
    assert.equal(ticker.symbol, symbol);
    assert.ok(ticker.bid > 0 && ticker.ask > ticker.bid);

    // A resting limit order: created, listed as open, cancelled.
    const price = Math.floor(book.bids[0][0] * 0.9);
    const limit = await exchange.createOrder(symbol, 'limit', 'buy', 100, price, { label: 'ccxt-1' });
    assert.ok(limit.id, 'order id');
    assert.equal(limit.status, 'open');
    const open = await exchange.fetchOpenOrders(symbol);
    assert.ok(open.some((o) => o.id === limit.id), 'open orders include it');
    const cancelled = await exchange.cancelOrder(limit.id, symbol);
    assert.equal(cancelled.status, 'canceled');

    // A market order fills: a position and a trade.
    const market = await exchange.createOrder(symbol, 'market', 'buy', 200);
    assert.equal(market.status, 'closed');
    assert.equal(market.filled, 200);
    const positions = await exchange.fetchPositions([symbol]);
    const perp = positions.find((p) => p.symbol === symbol);
    assert.ok(perp && perp.contracts > 0, 'long position');
    const trades = await exchange.fetchMyTrades(symbol);
    assert.ok(trades.length >= 1, 'my trades');

    // What a perpetual trader asks next: status, balances, tickers, the
    // public tape, order history, an order's fills, funding history.
    const status = await exchange.fetchStatus();
    assert.equal(status.status, 'ok');
    const balance = await exchange.fetchBalance();  // private/get_account_summaries
    assert.ok(balance.BTC && balance.BTC.total > 0 && balance.BTC.free > 0, 'BTC balance');
    assert.equal(balance.ETH.total, 100, 'ETH untouched: its equity is the deposit');
    assert.equal(balance.info.summaries.length, 2);
    const btcOnly = await exchange.fetchBalance({ code: 'BTC' });  // private/get_account_summary
    assert.ok(Math.abs(btcOnly.BTC.total - balance.BTC.total) < 0.01, 'the two balance calls agree');
    const tickers = await exchange.fetchTickers([symbol]);  // public/get_book_summary_by_currency
    assert.ok(tickers[symbol] && tickers[symbol].bid > 0 && tickers[symbol].ask > tickers[symbol].bid, 'tickers');
    const tape = await exchange.fetchTrades(symbol);  // public/get_last_trades_by_instrument
    assert.ok(tape.length >= 1, 'our fill is on the public tape');
    const closed = await exchange.fetchClosedOrders(symbol);
    assert.ok(closed.some((o) => o.id === market.id && o.status === 'closed'), 'filled order in history');
    assert.ok(!closed.some((o) => o.id === limit.id), 'unfilled cancels only with include_unfilled');
    const withUnfilled = await exchange.fetchClosedOrders(symbol, undefined, undefined, { include_unfilled: true });
    assert.ok(withUnfilled.some((o) => o.id === limit.id && o.status === 'canceled'), 'cancelled order in history');
    const byCurrency = await exchange.fetchClosedOrders();  // private/get_order_history_by_currency
    assert.ok(byCurrency.some((o) => o.id === market.id));
    const orderTrades = await exchange.fetchOrderTrades(market.id, symbol);
    assert.ok(orderTrades.length >= 1 && orderTrades.every((t) => t.order === market.id), 'the order\'s fills');
    const since = trades[0].timestamp - 1;
    const tradesSince = await exchange.fetchMyTrades(symbol, since);  // ..._by_instrument_and_time
    assert.ok(tradesSince.length >= 1, 'my trades since');
    const funding = await exchange.fetchFundingRateHistory(symbol);
    assert.ok(funding.length > 0 && funding.every((f) => f.fundingRate === 0.0001), 'funding history');

    // Closing the position: one reduce-only order for the whole size.
    const close = await exchange.privateGetClosePosition({ instrument_name: 'BTC-PERPETUAL', type: 'market' });
    assert.equal(close.result.order.reduce_only, true);
    assert.equal(close.result.order.direction, 'sell');
    assert.equal(close.result.order.order_state, 'filled');
    const after = (await exchange.fetchPositions([symbol])).find((p) => p.symbol === symbol);
    assert.ok(!after || after.contracts === 0, 'flat after close_position');

    // Streams over the WebSocket.
    const wsBook = await withTimeout(exchange.watchOrderBook(symbol), 10000, 'watchOrderBook');
    assert.ok(wsBook.bids.length > 0 && wsBook.asks.length > 0);
    const wsTicker = await withTimeout(exchange.watchTicker(symbol), 10000, 'watchTicker');
    assert.equal(wsTicker.symbol, symbol);

    console.log(`ccxt ${ccxt.version} against tickrail-venue: markets ${Object.keys(markets).length}, ` +
                `book ${book.bids[0][0]}/${book.asks[0][0]}, position ${perp.contracts}, trades ${trades.length}, ` +
                `balance ${balance.BTC.total} BTC, closed orders ${withUnfilled.length}, closed the position: ok`);
  } finally {
    if (exchange) await exchange.close().catch(() => {});
    child.kill('SIGTERM');
  }
  const code = await withTimeout(new Promise((resolve) => child.on('exit', (c, s) => resolve(c ?? s))), 10000,
                                 'tickrail-venue stop');
  assert.equal(code, 0, 'tickrail-venue exits 0 on SIGTERM');
}

main().catch((e) => {
  console.error(e.stack || String(e));
  process.exit(1);
});
