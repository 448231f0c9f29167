#include "nines/sweep/sweep_runner.hpp"

#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <filesystem>
#include <memory>
#include <vector>

#include "nines/io/hdf5.hpp"
#include "nines/io/output_path.hpp"
#include "nines/run/start_up.hpp"
#include "nines/sweep/point_run.hpp"
#include "nines/sweep/sweep_journal.hpp"
#include "nines/sweep/sweep_points.hpp"
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
    for (const SweepJournalRecord& r : journal->records()) {
      results.set(r.point, r.counts);
      if (plan.target_precision) results.set_requests(r.point, r.requests);
    }
    journal->resume();
  } else {
    journal->start();
  }
  return journal;
}

// Records a finished point: a chain's first failures (its tally without the successes), a
// structure's whole tally with its conclusion, computed now from its exact values and kept.
void keep_point(const SweepPlan& plan, const SweepRunOptions& options, std::size_t point,
                std::vector<std::uint64_t> tally, std::uint64_t requests, SweepResults& results) {
  if (plan.target_precision) results.set_requests(point, requests);
  if (plan.base_format == 1) {
    tally.pop_back();
    results.set(point, std::move(tally));
    return;
  }
  const auto run = PointRun::make(plan, point, options.sampler, options.chunk_requests);
  auto conclusion = std::make_shared<const PointConclusion>(run->conclude(tally, requests));
  results.set(point, std::move(tally), std::move(conclusion));
}

// The conclusions of structure points continued from the journal (chains need none).
void keep_resumed(const SweepPlan& plan, const SweepRunOptions& options, SweepResults& results) {
  if (plan.base_format == 1) return;
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (!results.done(i) || results.kept(i) != nullptr) continue;
    const auto run = PointRun::make(plan, i, options.sampler, options.chunk_requests);
    results.keep(i, std::make_shared<const PointConclusion>(run->conclude(
                        results.counts(i), results.requests(i, plan.points[i].requests))));
    if (plan.base_format == kTimeFormatVersion) results.release_counts(i);
  }
}

SweepFileInfo file_info(const SweepRunOptions& options, bool records, bool last = false) {
  SweepFileInfo info;
  if (last) info.points_json = options.points_json;
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
    const StartUp started = start_up([&] {
      journal = open_journal(plan, options, out.results);
      keep_resumed(plan, options, out.results);
      write_sweep_file(options.output, plan, out.results, file_info(options, false));
    });
    failure = started.failure;
    state.assign(plan.points.size() + 1, 0);
    state[0] = static_cast<unsigned char>(started.code);
    for (std::size_t i = 0; i < plan.points.size(); ++i) state[i + 1] = out.results.done(i);
  }
  world.broadcast(state);
  if (failure) std::rethrow_exception(failure);
  if (state.at(0) != 0) throw PeerFailure(state[0]);
  if (control.collective_started != nullptr) *control.collective_started = true;

  std::vector<std::size_t> pending;
  for (std::size_t i = 0; i < plan.points.size(); ++i)
    if (state[i + 1] == 0) pending.push_back(i);

  out.start.points = plan.points.size();
  out.start.resumed = plan.points.size() - pending.size();
  if (journal) {
    out.start.journal_existed = journal->existed();
    out.start.journal_repair = journal->repair_note();
  }
  for (const std::size_t p : pending) {
    // This rank's share: every R-th chunk of the flat list, about 1/R of each point.
    out.start.local_requests += plan.points[p].requests / static_cast<std::uint64_t>(world.size());
  }
  if (control.points_done != nullptr) control.points_done->store(out.start.resumed);
  if (control.on_start) control.on_start(out.start);

  // The pending points go through the driver a window at a time: enough chunks in a window to
  // keep every core of every rank busy, few enough points that a window's kernels and tallies
  // stay small. After each window the ranks sum its counts and rank 0 journals its points.
  const SweepPoints points(plan, options.sampler, options.chunk_requests, control.stop);
  const std::uint64_t busy_items =
      64 * static_cast<std::uint64_t>(std::max(1, tbb::this_task_arena::max_concurrency())) *
      static_cast<std::uint64_t>(world.size());
  Clock::time_point last_write = Clock::now();
  double write_cost = 0;
  bool unwritten = false;
  std::size_t next = 0;
  std::vector<std::size_t> window;
  while (next < pending.size()) {
    window.clear();
    std::uint64_t items = 0;
    while (next < pending.size() && window.size() < kSweepWindowPoints && items < busy_items) {
      items += points.plan(pending[next]).chunks();
      window.push_back(pending[next++]);
    }
    const DriveControl drive_control{control.stop, control.requests_done};
    std::vector<std::uint64_t> sampled;
    RunsResult result;
    if (plan.target_precision) {
      result = drive_points_to_precision(points, window, *plan.target_precision, world,
                                         drive_control, sampled);
    } else {
      result = drive_runs(points, window, world, drive_control);
      for (const std::size_t p : window) sampled.push_back(plan.points[p].requests);
    }
    if (result.interrupted) {
      out.interrupted = true;
      break;
    }
    if (root) {
      for (std::size_t s = 0; s < window.size(); ++s) {
        keep_point(plan, options, window[s], result.tallies[s], sampled[s], out.results);
      }
      journal->append(window, out.results);  // durable: from here on these points are done
      if (plan.base_format == kTimeFormatVersion)
        for (const std::size_t p : window) out.results.release_counts(p);
      if (control.points_done != nullptr) control.points_done->fetch_add(window.size());
      unwritten = true;
      if (seconds_since(last_write) >= std::max(options.checkpoint_seconds, 10 * write_cost)) {
        const Clock::time_point t = Clock::now();
        write_sweep_file(options.output, plan, out.results, file_info(options, false));
        write_cost = seconds_since(t);
        last_write = Clock::now();
        unwritten = false;
      }
    }
  }
  (void)unwritten;

  if (root) {
    out.complete = out.results.complete();
    if (out.complete) {
      if (write_sweep_file(options.output, plan, out.results,
                           file_info(options, options.record_requests, true), control.stop)) {
        journal->remove();
      } else {
        out.interrupted = true;  // stopped while writing per-request records; rerun finishes
        out.complete = false;
      }
    } else {
      write_sweep_file(options.output, plan, out.results, file_info(options, false, true));
    }
  }
  return out;
}

}  // namespace nines
