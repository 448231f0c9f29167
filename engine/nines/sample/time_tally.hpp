#pragma once
// The integer tally of a time run: what the summary needs from every history, added so that
// the total does not depend on which thread or rank simulated which history. Durations are
// counted in whole milliseconds (each history's total rounded once), and every sum is "wide"
// (stats/quantile_histogram.hpp: four 32-bit limbs), so nothing overflows up to 2^32 histories
// of 1000 years. Quantiles over histories come from fixed logarithmic bins.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "nines/sample/outage_simulator.hpp"

namespace nines {

enum class HistoryMetric : std::uint32_t {
  downtime_per_year,         // seconds of (mix) downtime per year
  unavailability,            // failed requests / requests (0 without requests)
  outages_per_year,          // outages begun per year
  mean_time_to_detect,       // seconds, histories with a detected outage
  mean_time_to_repair,       // seconds, histories with a repaired outage
  failed_requests_per_year,  // failed requests per year
  // The complements, for quantiles of availabilities below 1/2 (a log bin's relative error is
  // then on the smaller quantity).
  uptime_per_year,  // seconds of (mix) uptime per year
  served,           // 1 - unavailability
};
inline constexpr std::size_t kHistoryMetrics = 8;

// Offsets into the tally. A "wide" entry takes kWideEntries slots.
struct TimeTallyLayout {
  explicit TimeTallyLayout(const OutagePlan& plan);

  std::size_t histories = 0;  // plain count
  std::size_t outages = 0, outages_squared = 0, detected = 0, repaired = 0, detect_ms = 0,
              repair_ms = 0;
  std::size_t downtime_ms = 0, downtime_ms_squared = 0;
  std::size_t requests = 0, failed = 0, failed_outage = 0;
  std::size_t requests_squared = 0, failed_squared = 0, failed_times_requests = 0;
  std::size_t met_time = 0, met_time_squared = 0, met_requests = 0, met_requests_squared = 0;
  std::size_t first_met_time = 0, first_met_requests = 0;  // plain counts
  // Per kind: wide downtime_ms, downtime_ms_squared, requests, failed, failed_outage.
  std::size_t kinds = 0;
  static constexpr std::size_t kPerKind = 5;
  // Per process: wide outages, downtime_ms, detect_ms, detected, repair_ms, repaired,
  // budget_ms, budget_detection_ms, budget_requests, downtime_ms_squared.
  std::size_t processes = 0;
  static constexpr std::size_t kPerProcess = 10;
  // kHistoryMetrics histograms of QuantileBins::size() plain counts.
  std::size_t histograms = 0;
  // Alert policies: per policy its scope's outages (wide), and per row (its rules, then its
  // page rules together) wide sums, 24 plain noise counts by hour of day and two histograms.
  struct AlertRowTally {
    std::size_t firings = 0, firings_squared = 0, delivered = 0, noise = 0, outages_paged = 0;
    std::size_t time_to_page_ms = 0, budget_nano = 0, budget_count = 0;  // wide
    std::size_t noise_by_hour = 0;                                       // 24 plain
    std::size_t time_to_page_bins = 0, budget_bins = 0;                  // histograms
  };
  std::vector<std::size_t> alert_outages;
  std::vector<std::vector<AlertRowTally>> alert_rows;
  // Per SLO of time.slos: windows met (wide, and its square), bad and total events summed over
  // its windows (wide), and histories whose first window met it (plain).
  struct SloTally {
    std::size_t met = 0, met_squared = 0, bad = 0, total = 0, first_met = 0;
  };
  std::vector<SloTally> slos;
  // With detection by alert, the SLO windows met by the model paged at start
  // (model/paged_at_start.hpp) on the same histories: per measure, windows met (wide), its
  // square, its product with the model's own (wide, for the paired difference) and the
  // histories whose first window met it (plain). Measures: with time.slo its time-based then
  // its request-based windows, then each SLO of time.slos; none without detection by alert.
  struct TwinMetTally {
    std::size_t met = 0, met_squared = 0, cross = 0, first_met = 0;
  };
  std::vector<TwinMetTally> twin;
  std::size_t twin_slo_offset = 0;  // twin[twin_slo_offset + i]: SLO i of time.slos
  std::size_t size = 0;

  std::size_t kind(std::size_t k, std::size_t field) const noexcept {
    return kinds + (k * kPerKind + field) * 4;
  }
  std::size_t process(std::size_t p, std::size_t field) const noexcept {
    return processes + (p * kPerProcess + field) * 4;
  }
  std::size_t histogram(HistoryMetric m) const noexcept;
};

// Adds one history to the tally.
void add_history(const TimeTallyLayout& layout, const OutagePlan& plan, const HistoryResult& h,
                 std::uint64_t* tally);

// Adds the SLO windows of one history of the model paged at start (`twin`) beside the same
// history of the model (`h`, added by add_history).
void add_twin_history(const TimeTallyLayout& layout, const HistoryResult& h,
                      const HistoryResult& twin, std::uint64_t* tally);

// Seconds to the tally's whole milliseconds (negative and NaN count as 0).
std::uint64_t whole_milliseconds(double seconds) noexcept;

}  // namespace nines
