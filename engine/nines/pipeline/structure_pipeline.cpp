#include "nines/pipeline/structure_pipeline.hpp"

#include <algorithm>

#include "nines/base/error.hpp"
#include "nines/report/structure_report.hpp"

namespace nines {
namespace {

struct StructureScratch final : ChunkScratch {
  std::unique_ptr<StructureSampler::Workspace> workspace;
  StructureChunk chunk;
};

class StructureKernel final : public ChunkKernel {
 public:
  StructureKernel(const StructureSampler& sampler, const RunInfo& info)
      : sampler_(sampler), seed_(info.seed), record_(info.record) {
    if (record_ != RecordMode::none) encoder_.emplace(info);
  }

  std::size_t tally_size() const override { return sampler_.layout().size(); }

  std::unique_ptr<ChunkScratch> make_scratch() const override {
    auto scratch = std::make_unique<StructureScratch>();
    scratch->workspace = sampler_.make_workspace();
    return scratch;
  }

  bool sample_chunk(std::uint64_t chunk, std::uint64_t first, std::uint64_t n,
                    ChunkScratch& scratch, std::uint64_t* tally, EncodedChunk* out,
                    StopFlag) const override {
    auto& s = static_cast<StructureScratch&>(scratch);
    StructureChunk& c = s.chunk;
    c.tally.assign(tally_size(), 0);
    c.failed_request.clear();
    c.failed_kind.clear();
    c.failed_attempts.clear();
    c.failed_culprit.clear();
    c.failed_common_cause.clear();
    c.failed_set_size.clear();
    c.failed_set.clear();
    const bool recording = out != nullptr;
    sampler_.sample_chunk(seed_, first, n, recording && record_ == RecordMode::dense, recording,
                          *s.workspace, c);
    for (std::size_t i = 0; i < c.tally.size(); ++i) tally[i] += c.tally[i];
    if (recording) encoder_->encode(chunk, n, c, *out);
    return true;
  }

 private:
  const StructureSampler& sampler_;
  std::uint64_t seed_;
  RecordMode record_;
  std::optional<StructureChunkEncoder> encoder_;
};

}  // namespace

StructurePipeline::StructurePipeline(const StructureModel& model, StopFlag)
    : model_(model), analytics_(model), sampler_(model) {}

SamplerKind StructurePipeline::choose_sampler(SamplerChoice choice, RecordMode) const {
  if (choice != SamplerChoice::automatic)
    throw InputError("--sampler chooses between the chain samplers of format-1 scenarios; '" +
                     model_.source_path +
                     "' is a structure (format 2), which has one exact sampler: leave --sampler "
                     "out");
  return SamplerKind::per_request;
}

std::unique_ptr<ChunkKernel> StructurePipeline::kernel(const RunInfo& info) const {
  return std::make_unique<StructureKernel>(sampler_, info);
}

std::unique_ptr<StructureRunWriter> StructurePipeline::open_file(const std::string& path,
                                                                 bool overwrite,
                                                                 const RunInfo& info) const {
  return std::make_unique<StructureRunWriter>(path, overwrite, model_, info);
}

StructureSummary StructurePipeline::conclude(const RunInfo& info,
                                             const std::vector<std::uint64_t>& tally) const {
  return summarize_structure(analytics_, sampler_, info.requests, tally);
}

void StructurePipeline::finish(StructureRunWriter& file, const StructureSummary& conclusion) const {
  file.finish(analytics_, conclusion);
}

std::string StructurePipeline::text(const RunFacts& facts, const StructureSummary& conclusion,
                                    bool color) const {
  const StructureReportContext context{model_, facts.info, facts.output_path, facts.threads,
                                       facts.elapsed_seconds};
  return format_structure_text(context, analytics_, conclusion, color);
}

std::string StructurePipeline::json(const RunFacts& facts,
                                    const StructureSummary& conclusion) const {
  const StructureReportContext context{model_, facts.info, facts.output_path, facts.threads,
                                       facts.elapsed_seconds};
  return format_structure_json(context, analytics_, conclusion);
}

}  // namespace nines
