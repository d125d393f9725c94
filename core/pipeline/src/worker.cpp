#include "tickrail/core/worker.hpp"

#include <pthread.h>
#include <sched.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace tickrail::core {

worker::worker(worker_options options, std::vector<stage_ref> stages)
    : options_(std::move(options)), stages_(std::move(stages)) {}

worker::~worker() { stop(); }

absl::Status worker::start() {
  if (thread_.joinable())
    return absl::FailedPreconditionError(absl::StrCat("worker ", options_.name, " already running"));
  stop_.value.store(false, std::memory_order_relaxed);
  std::promise<absl::Status> started;
  std::future<absl::Status> result = started.get_future();
  // The promise moves into the thread so that nothing it touches lives on
  // this stack frame.
  thread_ = std::thread([this, promise = std::move(started)]() mutable { thread_main(&promise); });
  absl::Status status = result.get();
  if (!status.ok()) thread_.join();  // the thread exits right after reporting a failure
  return status;
}

void worker::join() {
  if (thread_.joinable()) thread_.join();
}

void worker::thread_main(std::promise<absl::Status>* started) noexcept {
  // Thread names are limited to 15 characters by the kernel.
  const std::string short_name = options_.name.substr(0, 15);
  pthread_setname_np(pthread_self(), short_name.c_str());
  if (options_.cpu >= 0) {
    if (options_.cpu >= CPU_SETSIZE) {
      started->set_value(absl::InvalidArgumentError(
          absl::StrCat("worker ", options_.name, ": cannot pin to cpu ", options_.cpu, ": out of range")));
      return;
    }
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(options_.cpu, &set);
    if (const int rc = pthread_setaffinity_np(pthread_self(), sizeof(set), &set); rc != 0) {
      started->set_value(absl::InvalidArgumentError(
          absl::StrCat("worker ", options_.name, ": cannot pin to cpu ", options_.cpu, ": ", std::strerror(rc))));
      return;
    }
  }
  started->set_value(absl::OkStatus());
  switch (options_.wait) {
    case wait_kind::busy_spin: run(busy_spin_wait{}); break;
    case wait_kind::yield: run(yield_wait{}); break;
    case wait_kind::backoff: run(backoff_wait{options_.backoff}); break;
  }
}

std::size_t worker::poll_round() noexcept {
  std::size_t work = 0;
  for (const stage_ref& s : stages_) work += s.poll();
  counters& c = stats_.value;
  c.rounds.add();
  c.work.add(work);
  return work;
}

template <wait_strategy W>
void worker::run(W wait) noexcept {
  counters& c = stats_.value;
  while (!stop_.value.load(std::memory_order_acquire)) {
    if (poll_round() != 0) {
      wait.reset();
    } else {
      c.idle.add();
      wait.idle();
    }
  }
  // Drain: finish what is already in the rings, bounded so a producer that
  // never stops cannot hold the worker forever.
  for (std::uint32_t round = 0; round < options_.max_drain_rounds; ++round) {
    if (poll_round() == 0) break;
  }
}

std::vector<int> allowed_cpus() {
  std::vector<int> cpus;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) != 0) return cpus;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &set)) cpus.push_back(cpu);
  }
  return cpus;
}

}  // namespace tickrail::core
