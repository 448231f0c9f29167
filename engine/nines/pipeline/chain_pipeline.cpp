#include "nines/pipeline/chain_pipeline.hpp"

#include <algorithm>
#include <stdexcept>

#include "nines/sample/choose_sampler.hpp"
#include "nines/sample/chunk_sampler.hpp"

namespace nines {
namespace {

struct ChainScratch final : ChunkScratch {
  std::vector<unsigned char> outcomes;  // dense: one outcome per request at the file's width
  std::vector<std::uint64_t> requests;  // failures
  std::vector<std::int32_t> components;
};

// The chain kernel: the per-request sampler (every record mode) or the geometric skip
// (failures and none), and layout 1's encoder for recorded chunks.
class ChainKernel final : public ChunkKernel {
 public:
  ChainKernel(const ChainAnalytics& analytics, const RunInfo& info)
      : sampler_(analytics, info.sampler), seed_(info.seed), record_(info.record) {
    if (info.sampler == SamplerKind::geometric_skip && record_ == RecordMode::dense)
      throw std::invalid_argument("the geometric-skip sampler cannot record dense outcomes");
    if (record_ != RecordMode::none) encoder_.emplace(analytics.size(), info);
  }

  std::size_t tally_size() const override { return sampler_.components() + 1; }

  std::unique_ptr<ChunkScratch> make_scratch() const override {
    auto scratch = std::make_unique<ChainScratch>();
    if (record_ == RecordMode::dense)
      scratch->outcomes.resize(encoder_->dense_chunk_length() *
                               outcome_bytes(encoder_->outcome_type()));
    return scratch;
  }

  bool sample_chunk(std::uint64_t chunk, std::uint64_t first, std::uint64_t n,
                    ChunkScratch& scratch, std::uint64_t* tally, EncodedChunk* out,
                    StopFlag) const override {
    // A chain chunk takes milliseconds: the driver's check between chunks is prompt enough.
    if (out == nullptr) {
      sampler_.count(seed_, chunk, first, n, tally);
      return true;
    }
    auto& s = static_cast<ChainScratch&>(scratch);
    if (record_ == RecordMode::dense) {
      const ChainSampler& per_request = sampler_.per_request();
      switch (encoder_->outcome_type()) {
        case OutcomeType::int8:
          per_request.record_dense(seed_, first, n,
                                   reinterpret_cast<std::int8_t*>(s.outcomes.data()), tally);
          break;
        case OutcomeType::int16:
          per_request.record_dense(seed_, first, n,
                                   reinterpret_cast<std::int16_t*>(s.outcomes.data()), tally);
          break;
        case OutcomeType::int32:
          per_request.record_dense(seed_, first, n,
                                   reinterpret_cast<std::int32_t*>(s.outcomes.data()), tally);
          break;
      }
      encoder_->encode_dense(chunk, s.outcomes.data(), n, *out);
    } else {
      s.requests.clear();
      s.components.clear();
      sampler_.record_failures(seed_, chunk, first, n, s.requests, s.components, tally);
      encoder_->encode_failures(chunk, n, s.requests, s.components, *out);
    }
    return true;
  }

 private:
  ChunkSampler sampler_;
  std::uint64_t seed_;
  RecordMode record_;
  std::optional<ChainChunkEncoder> encoder_;
};

}  // namespace

ChainPipeline::ChainPipeline(const Scenario& scenario)
    : scenario_(scenario), analytics_(scenario.reliabilities()) {}

SamplerKind ChainPipeline::choose_sampler(SamplerChoice choice, RecordMode record) const {
  return nines::choose_sampler(choice, record, analytics_.unreliability());
}

std::unique_ptr<ChunkKernel> ChainPipeline::kernel(const RunInfo& info) const {
  return std::make_unique<ChainKernel>(analytics_, info);
}

std::unique_ptr<RunFileWriter> ChainPipeline::open_file(const std::string& path, bool overwrite,
                                                        const RunInfo& info) const {
  return std::make_unique<RunFileWriter>(path, overwrite, scenario_, info);
}

Summary ChainPipeline::conclude(const RunInfo& info,
                                const std::vector<std::uint64_t>& tally) const {
  // The tally is first failures per component, then successes.
  return summarize(analytics_, info.requests,
                   std::vector<std::uint64_t>(tally.begin(), tally.end() - 1));
}

std::uint64_t ChainPipeline::failures(const std::vector<std::uint64_t>& tally) const {
  // First failures per component, then successes.
  std::uint64_t sum = 0;
  for (std::size_t k = 0; k + 1 < tally.size(); ++k) sum += tally[k];
  return sum;
}

void ChainPipeline::finish(RunFileWriter& file, const Summary& conclusion) const {
  file.finish(analytics_, conclusion);
}

std::string ChainPipeline::text(const RunFacts& facts, const Summary& conclusion,
                                bool color) const {
  const ReportContext context{scenario_, facts.info, facts.output_path, facts.threads,
                              facts.elapsed_seconds};
  return format_summary_text(context, analytics_, conclusion, color);
}

std::string ChainPipeline::json(const RunFacts& facts, const Summary& conclusion) const {
  const ReportContext context{scenario_, facts.info, facts.output_path, facts.threads,
                              facts.elapsed_seconds};
  return format_summary_json(context, analytics_, conclusion);
}

}  // namespace nines
