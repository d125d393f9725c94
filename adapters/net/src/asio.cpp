// Boost.Asio and its SSL support, compiled once for the whole project
// (BOOST_ASIO_SEPARATE_COMPILATION; DESIGN §1: build time on 2 cores).
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
