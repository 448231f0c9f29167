#include "nines/pipeline/structure_pipeline.hpp"

#include <algorithm>
#include <stdexcept>

#include "nines/base/error.hpp"
#include "nines/report/structure_report.hpp"
#include "nines/sample/chain_path_sampler.hpp"
#include "nines/sample/choose_sampler.hpp"

namespace nines {
namespace {

struct StructureScratch final : ChunkScratch {
  std::unique_ptr<StructureSampler::Workspace> workspace;
  StructureChunk chunk;
};

// The structure model's kernel: the general structure sampler (per request or skipping the
// all-clear requests) or, for a structure that is a chain, the chain kernels; and layout 2's
// encoder for recorded chunks.
class StructureKernel final : public ChunkKernel {
 public:
  StructureKernel(const StructureModel& model, const StructureSampler& sampler,
                  const std::optional<std::vector<std::uint32_t>>& chain_path, const RunInfo& info)
      : sampler_(sampler), seed_(info.seed), record_(info.record), kind_(info.sampler) {
    if (kind_ == SamplerKind::geometric_skip && record_ == RecordMode::dense)
      throw std::invalid_argument("the skip cannot record dense outcomes");
    if (chain_path) chain_.emplace(model, *chain_path, kind_, sampler.layout());
    if (record_ != RecordMode::none) encoder_.emplace(info, model);
  }

  std::size_t tally_size() const override { return sampler_.layout().size(); }

  std::unique_ptr<ChunkScratch> make_scratch() const override {
    auto scratch = std::make_unique<StructureScratch>();
    scratch->workspace = sampler_.make_workspace();
    return scratch;
  }

  bool sample_chunk(std::uint64_t chunk, std::uint64_t first, std::uint64_t n,
                    ChunkScratch& scratch, std::uint64_t* tally, EncodedChunk* out,
                    StopFlag stop) const override {
    auto& s = static_cast<StructureScratch&>(scratch);
    StructureChunk& c = s.chunk;
    c.tally.assign(tally_size(), 0);
    c.failed_request.clear();
    c.failed_kind.clear();
    c.failed_attempts.clear();
    c.failed_culprit.clear();
    c.failed_common_cause.clear();
    c.failed_common_causes.clear();
    c.failed_set_size.clear();
    c.failed_set.clear();
    const bool recording = out != nullptr;
    const bool dense = recording && record_ == RecordMode::dense;
    bool complete = true;
    if (chain_)
      chain_->sample_chunk(seed_, chunk, first, n, dense, recording, *s.workspace, c);
    else if (kind_ == SamplerKind::geometric_skip)
      complete =
          sampler_.sample_chunk_skip(seed_, chunk, first, n, recording, *s.workspace, c, stop);
    else
      complete = sampler_.sample_chunk(seed_, first, n, dense, recording, *s.workspace, c, stop);
    if (!complete) return false;
    for (std::size_t i = 0; i < c.tally.size(); ++i) tally[i] += c.tally[i];
    if (recording) encoder_->encode(chunk, n, c, *out);
    return true;
  }

 private:
  const StructureSampler& sampler_;
  std::uint64_t seed_;
  RecordMode record_;
  SamplerKind kind_;
  std::optional<ChainPathSampler> chain_;
  std::optional<StructureChunkEncoder> encoder_;
};

}  // namespace

StructurePipeline::StructurePipeline(const StructureModel& model, ImportanceMode importance,
                                     StopFlag stop)
    : model_(model),
      importance_(importance),
      analytics_(model, stop),
      sampler_(model, importance == ImportanceMode::simulated) {
  if (importance_ == ImportanceMode::exact) chain_path_ = chain_path(model);
  if (chain_path_) {
    std::vector<double> r;
    for (const std::uint32_t c : *chain_path_)
      r.push_back(model.components[c].effective_reliability());
    chain_analytics_.emplace(std::move(r));
  }
}

SamplerKind StructurePipeline::choose_sampler(SamplerChoice choice, RecordMode record) const {
  // The chain kernel skips to the next failure, the structure kernel to the next request that
  // is not all clear.
  const double visited =
      chain_analytics_ ? chain_analytics_->unreliability() : sampler_.not_clear_probability();
  return nines::choose_sampler(choice, record, visited, importance_);
}

std::unique_ptr<ChunkKernel> StructurePipeline::kernel(const RunInfo& info) const {
  if (info.importance != importance_)
    throw std::invalid_argument("kernel: the run's importance mode is not the pipeline's");
  return std::make_unique<StructureKernel>(model_, sampler_, chain_path_, info);
}

std::unique_ptr<StructureRunWriter> StructurePipeline::open_file(const std::string& path,
                                                                 bool overwrite,
                                                                 const RunInfo& info) const {
  return std::make_unique<StructureRunWriter>(path, overwrite, model_, info,
                                              chain_kernel() ? "chain" : "structure");
}

StructureSummary StructurePipeline::conclude(const RunInfo& info,
                                             const std::vector<std::uint64_t>& tally) const {
  return summarize_structure(analytics_, sampler_, info.requests, tally);
}

std::uint64_t StructurePipeline::failures(const std::vector<std::uint64_t>& tally) const {
  const TallyLayout& layout = sampler_.layout();
  std::uint64_t sum = 0;
  for (std::size_t k = 0; k < layout.kinds; ++k) sum += tally[layout.failures(k)];
  return sum;
}

void StructurePipeline::finish(StructureRunWriter& file, const StructureSummary& conclusion) const {
  file.finish(analytics_, conclusion);
}

StructureReportContext StructurePipeline::report_context(const RunFacts& facts) const {
  return {model_,
          facts.info,
          facts.output_path,
          facts.threads,
          facts.elapsed_seconds,
          chain_kernel() ? "chain" : "structure"};
}

std::string StructurePipeline::text(const RunFacts& facts, const StructureSummary& conclusion,
                                    bool color) const {
  return format_structure_text(report_context(facts), analytics_, conclusion, color);
}

std::string StructurePipeline::json(const RunFacts& facts,
                                    const StructureSummary& conclusion) const {
  return format_structure_json(report_context(facts), analytics_, conclusion);
}

}  // namespace nines
