#include "nines/sweep/sweep_runner.hpp"

#include <chrono>
#include <exception>
#include <filesystem>
#include <memory>
#include <thread>
#include <vector>

#include "nines/io/hdf5.hpp"
#include "nines/io/output_path.hpp"
#include "nines/sweep/sweep_journal.hpp"
#include "nines/sweep/sweep_scheduler.hpp"
#include "nines/sweep/sweep_writer.hpp"

namespace nines {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

std::string plural(std::size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

// True when `path` is nines' sweep file of the sweep a journal header describes (its
// "sweep-sha256" and "base-sha256" fields): the partial output that journal's sweep wrote,
// which continuing or restarting that journal may replace without --force.
bool written_for(const std::string& path, const SweepJournal& journal) {
  const std::string sweep = journal.found_field("sweep-sha256");
  const std::string base = journal.found_field("base-sha256");
  if (sweep.empty() || base.empty()) return false;
  try {
    const hdf5::File file = hdf5::File::open_read_only(path);
    return file.has_attribute("format") &&
           file.read_string_attribute("format") == kSweepFileFormat &&
           file.has_attribute("sweep_sha256") &&
           file.read_string_attribute("sweep_sha256") == sweep &&
           file.has_attribute("base_scenario_sha256") &&
           file.read_string_attribute("base_scenario_sha256") == base;
  } catch (const Error&) {
    return false;  // not HDF5, or not ours: someone else's file
  }
}

// Rank 0's start-up: checks the output, opens (or continues) the journal, writes the first
// file. Every error a user can cause surfaces here, before any sampling. The output policy
// (nines/io/atomic_output.hpp): the output is never a link, directory, device, FIFO or socket;
// an existing output is replaced only with --force, or when it is the partial file of the
// journal being continued or restarted; the journal is touched only when it is nines' own;
// --resume and --restart never imply --force.
std::unique_ptr<SweepJournal> open_journal(const SweepPlan& plan, const SweepRunOptions& options,
                                           SweepResults& results) {
  const std::string& output = options.output;
  check_output_path(output, true);  // only what may never be replaced, whatever the flags
  // Locks and reads; refuses (and leaves alone) anything that is not nines' journal.
  auto journal = std::make_unique<SweepJournal>(output + ".journal", plan, options.sampler);
  const std::string& path = journal->path();
  const std::string finished = plural(journal->intact_records(), "finished point");

  switch (journal->found()) {
    case JournalFound::none:
      if (options.resume)
        throw InputError("nothing to resume: there is no journal '" + path +
                         "' (it is deleted when a sweep completes); run without --resume to "
                         "start");
      break;
    case JournalFound::other_sweep:
      if (!options.restart)
        throw InputError("'" + path + "' was written for a different sweep (" + finished +
                         "): " + journal->found_reason() +
                         "; use --restart to discard those results and start over, or -o to "
                         "write elsewhere");
      break;
    case JournalFound::damaged_header:
      if (!options.restart)
        throw InputError("'" + path + "' is a nines sweep journal (" + finished + ") but " +
                         journal->found_reason() +
                         ", so it cannot be matched to this sweep; use --restart to discard it "
                         "and start over, or -o to write elsewhere");
      break;
    case JournalFound::this_sweep:
      break;
  }

  if (path_kind(output) == PathKind::regular && !options.force && !written_for(output, *journal)) {
    if (journal->found() == JournalFound::none)
      throw InputError(
          already_exists_message(output) +
          (options.restart ? " (--restart discards a journal; it never overwrites)" : ""));
    throw InputError("output file '" + output + "' already exists and is not the sweep file of '" +
                     path + "'; use --force to overwrite it or -o to choose another name");
  }

  if (journal->found() == JournalFound::this_sweep && !options.restart) {
    for (const SweepJournalRecord& r : journal->records()) results.set(r.point, r.counts);
    journal->resume();
  } else {
    journal->start();
  }
  return journal;
}

SweepFileInfo file_info(const SweepRunOptions& options, bool records) {
  SweepFileInfo info;
  info.created = options.created;
  info.chunk_requests = options.chunk_requests;
  info.record_requests = records;
  info.sampler = options.sampler;
  return info;
}

}  // namespace

SweepOutcome run_sweep(const SweepPlan& plan, const SweepRunOptions& options, Communicator& world,
                       const SweepRunControl& control) {
  const bool root = world.rank() == 0;
  SweepOutcome out{SweepResults(plan), {}, false, false};
  std::unique_ptr<SweepJournal> journal;

  // Start-up on rank 0; its verdict and the finished points go to every rank.
  std::vector<unsigned char> state;
  std::exception_ptr failure;
  if (root) {
    unsigned char code = 0;
    try {
      journal = open_journal(plan, options, out.results);
      write_sweep_file(options.output, plan, out.results, file_info(options, false));
    } catch (const InputError&) {
      failure = std::current_exception();
      code = 2;
    } catch (...) {
      failure = std::current_exception();
      code = 1;
    }
    state.assign(plan.points.size() + 1, 0);
    state[0] = code;
    for (std::size_t i = 0; i < plan.points.size(); ++i) state[i + 1] = out.results.done(i);
  }
  world.broadcast(state);
  if (failure) std::rethrow_exception(failure);
  if (state.at(0) != 0) throw PeerFailure(state[0]);
  if (control.collective_started != nullptr) *control.collective_started = true;

  std::vector<std::size_t> pending;
  for (std::size_t i = 0; i < plan.points.size(); ++i)
    if (state[i + 1] == 0) pending.push_back(i);
  SweepScheduler scheduler(plan, pending, world.rank(), world.size(), options.chunk_requests,
                           options.sampler);

  out.start.points = plan.points.size();
  out.start.resumed = plan.points.size() - pending.size();
  if (journal) {
    out.start.journal_existed = journal->existed();
    out.start.journal_repair = journal->repair_note();
  }
  for (std::size_t s = 0; s < pending.size(); ++s) {
    // This rank's share: every R-th chunk of the flat list, about 1/R of each point.
    out.start.local_requests +=
        plan.points[pending[s]].requests / static_cast<std::uint64_t>(world.size());
  }
  if (control.points_done != nullptr) control.points_done->store(out.start.resumed);
  if (control.on_start) control.on_start(out.start);

  // The pool samples on its own thread; this thread coordinates.
  std::atomic<bool> stop_pool{false};
  std::atomic<bool> pool_done{false};
  std::exception_ptr pool_failure;
  std::thread pool([&] {
    try {
      scheduler.run(&stop_pool, control.requests_done);
    } catch (...) {
      pool_failure = std::current_exception();
      stop_pool = true;
    }
    pool_done.store(true, std::memory_order_release);
  });
  struct Join {
    std::thread& t;
    std::atomic<bool>& stop;
    ~Join() {
      stop = true;
      if (t.joinable()) t.join();
    }
  } join{pool, stop_pool};

  const std::size_t slots = pending.size();
  std::vector<bool> committed(slots, false);
  std::vector<std::uint8_t> flags(slots + 2);
  std::vector<std::size_t> newly;
  std::vector<std::uint64_t> counts;
  std::vector<std::size_t> points;
  Clock::time_point last_write = Clock::now();
  double write_cost = 0;
  bool unwritten = false;
  const auto round = std::chrono::duration<double>(options.round_seconds);

  for (;;) {
    const Clock::time_point round_start = Clock::now();
    while (!pool_done.load(std::memory_order_acquire) && Clock::now() - round_start < round &&
           !(control.stop != nullptr && control.stop->load()))
      std::this_thread::sleep_for(std::chrono::milliseconds(10));

    // Read "pool done" first: if it is set, every finished flag read after it is final.
    flags[slots] = pool_done.load(std::memory_order_acquire) ? 1 : 0;
    flags[slots + 1] = control.stop != nullptr && control.stop->load() ? 0 : 1;
    for (std::size_t s = 0; s < slots; ++s) flags[s] = committed[s] || scheduler.finished(s);
    world.min(flags);

    newly.clear();
    counts.clear();
    for (std::size_t s = 0; s < slots; ++s) {
      if (committed[s] || flags[s] == 0) continue;
      newly.push_back(s);
      const auto f = scheduler.failures(s);
      counts.insert(counts.end(), f.begin(), f.end());
    }
    if (!newly.empty()) {
      world.sum(counts);
      points.clear();
      std::size_t offset = 0;
      for (const std::size_t s : newly) {
        committed[s] = true;
        const std::size_t k = plan.points[pending[s]].components.size();
        if (root) {
          out.results.set(
              pending[s],
              std::vector<std::uint64_t>(counts.begin() + static_cast<std::ptrdiff_t>(offset),
                                         counts.begin() + static_cast<std::ptrdiff_t>(offset + k)));
          points.push_back(pending[s]);
        }
        offset += k;
      }
      if (root) {
        journal->append(points, out.results);  // durable: from here on these points are done
        if (control.points_done != nullptr) control.points_done->fetch_add(points.size());
        unwritten = true;
      }
    }
    if (flags[slots + 1] == 0) stop_pool = true;
    if (flags[slots] == 1) break;
    if (root && unwritten &&
        seconds_since(last_write) >= std::max(options.checkpoint_seconds, 10 * write_cost)) {
      const Clock::time_point t = Clock::now();
      write_sweep_file(options.output, plan, out.results, file_info(options, false));
      write_cost = seconds_since(t);
      last_write = Clock::now();
      unwritten = false;
    }
  }
  pool.join();
  if (pool_failure) std::rethrow_exception(pool_failure);

  bool all_committed = std::all_of(committed.begin(), committed.end(), [](bool c) { return c; });
  out.interrupted = !all_committed;
  if (root) {
    out.complete = out.results.complete();
    if (out.complete) {
      if (write_sweep_file(options.output, plan, out.results,
                           file_info(options, options.record_requests), control.stop)) {
        journal->remove();
      } else {
        out.interrupted = true;  // stopped while writing per-request records; rerun finishes
        out.complete = false;
      }
    } else {
      write_sweep_file(options.output, plan, out.results, file_info(options, false));
    }
  }
  return out;
}

}  // namespace nines
