#include "nines/io/column_deflate.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <stdexcept>

#include "nines/io/adler32.hpp"

// Section numbers below refer to RFC 1951 (deflate) and RFC 1950 (the zlib wrapper).
namespace nines {
namespace {

constexpr std::size_t kEndOfBlock = 256;
constexpr std::size_t kLiteralLengthSymbols = 286;  // 0-255 bytes, 256 end, 257-285 lengths
constexpr std::size_t kDistanceSymbols = 30;
constexpr std::size_t kCodeLengthSymbols = 19;
constexpr unsigned kMaxCodeBits = 15;
constexpr unsigned kMaxCodeLengthBits = 7;
constexpr std::size_t kMinMatch = 3;
constexpr std::size_t kMaxMatch = 258;
constexpr std::size_t kMaxStoredBlock = 65535;
// Repeats shorter than this stay literals. In a high-entropy column short repeats are chance
// and a length code would not pay for itself; in a reliable chain's column the runs are
// hundreds long. Eight bytes is one 64-bit comparison, which keeps the scan branch-predictable.
constexpr std::size_t kMinRun = 8;
// Bits of code in a byte-pair table entry; the length takes the other 6.
constexpr unsigned kMaxPairCodeBits = 26;

static_assert(std::endian::native == std::endian::little, "the bit writer stores little-endian");

std::uint64_t load64(const unsigned char* p) noexcept {
  std::uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// Deflate's bit order (3.1.1): values go in least significant bit first, Huffman codes most
// significant bit first, hence reversed below. Whole bytes leave through one unaligned 8-byte
// store, so the output needs 8 bytes of slack past the last byte written.
class BitWriter {
 public:
  explicit BitWriter(unsigned char* out) noexcept : out_(out) {}

  // At most 56 bits between flushes.
  void put(std::uint64_t bits, unsigned count) noexcept {
    buffer_ |= bits << count_;
    count_ += count;
  }
  void flush() noexcept {
    std::memcpy(out_, &buffer_, sizeof buffer_);
    out_ += count_ >> 3;
    buffer_ >>= count_ & ~7u;
    count_ &= 7;
  }
  // Pads the last byte with zeros; returns one past it.
  unsigned char* finish() noexcept {
    flush();
    if (count_ > 0) *out_++ = static_cast<unsigned char>(buffer_);
    buffer_ = 0;
    count_ = 0;
    return out_;
  }

 private:
  unsigned char* out_;
  std::uint64_t buffer_ = 0;
  unsigned count_ = 0;
};

struct Code {
  std::uint16_t bits = 0;  // bit-reversed, ready for BitWriter::put
  std::uint8_t length = 0;
};

// Lengths of a Huffman code for freq, at most `limit` bits, 0 for unused symbols. A tree
// that comes out too deep is rebuilt from flattened frequencies (f -> f/2 | 1, which ends at
// all ones, a balanced tree), so the result is always a complete prefix code. zlib's inflater
// rejects incomplete codes, so fewer than two used symbols are topped up with unused ones.
template <std::size_t N>
std::array<std::uint8_t, N> huffman_lengths(std::array<std::uint64_t, N> freq, unsigned limit) {
  constexpr std::size_t n = N;
  std::size_t used = 0;
  for (std::size_t s = 0; s < n; ++s) used += freq[s] > 0;
  for (std::size_t s = 0; s < n && used < 2; ++s)
    if (freq[s] == 0) {
      freq[s] = 1;
      ++used;
    }

  std::array<std::uint8_t, N> lengths{};
  for (;;) {
    // Two-queue construction: leaves sorted by weight, internal nodes created in weight order.
    std::array<std::size_t, N> leaves{};
    std::size_t leaf_count = 0;
    for (std::size_t s = 0; s < n; ++s)
      if (freq[s] > 0) leaves[leaf_count++] = s;
    std::stable_sort(leaves.begin(), leaves.begin() + leaf_count,
                     [&](std::size_t a, std::size_t b) { return freq[a] < freq[b]; });
    // Nodes 0..leaf_count-1 are the leaves in sorted order, then the internal nodes.
    std::array<std::uint64_t, 2 * N> weight{};
    std::array<std::size_t, 2 * N> parent{};
    for (std::size_t i = 0; i < leaf_count; ++i) weight[i] = freq[leaves[i]];
    std::size_t next_leaf = 0, next_internal = leaf_count, nodes = leaf_count;
    const auto take = [&]() {
      if (next_leaf < leaf_count &&
          (next_internal == nodes || weight[next_leaf] <= weight[next_internal]))
        return next_leaf++;
      return next_internal++;
    };
    while (nodes < 2 * leaf_count - 1) {
      const std::size_t a = take(), b = take();
      weight[nodes] = weight[a] + weight[b];
      parent[a] = parent[b] = nodes;
      ++nodes;
    }
    // Parents come after children, so one backward pass gives every depth.
    std::array<unsigned, 2 * N> depth{};
    unsigned deepest = 0;
    for (std::size_t i = nodes - 1; i-- > 0;) {
      depth[i] = depth[parent[i]] + 1;
      deepest = std::max(deepest, depth[i]);
    }
    if (deepest <= limit) {
      for (std::size_t i = 0; i < leaf_count; ++i)
        lengths[leaves[i]] = static_cast<std::uint8_t>(depth[i]);
      return lengths;
    }
    for (std::size_t s = 0; s < n; ++s)
      if (freq[s] > 0) freq[s] = (freq[s] >> 1) | 1;
  }
}

// Canonical codes from lengths (3.2.2), bit-reversed for the writer.
template <std::size_t N>
std::array<Code, N> canonical_codes(const std::array<std::uint8_t, N>& lengths) {
  constexpr std::size_t n = N;
  std::array<unsigned, kMaxCodeBits + 2> count{}, next{};
  for (std::size_t s = 0; s < n; ++s) ++count[lengths[s]];
  count[0] = 0;
  unsigned code = 0;
  for (unsigned bits = 1; bits <= kMaxCodeBits; ++bits) {
    code = (code + count[bits - 1]) << 1;
    next[bits] = code;
  }
  std::array<Code, N> codes{};
  for (std::size_t s = 0; s < n; ++s) {
    const unsigned length = lengths[s];
    if (length == 0) continue;
    const unsigned value = next[length]++;
    unsigned reversed = 0;
    for (unsigned b = 0; b < length; ++b) reversed |= ((value >> b) & 1u) << (length - 1 - b);
    codes[s] = Code{static_cast<std::uint16_t>(reversed), static_cast<std::uint8_t>(length)};
  }
  return codes;
}

// Length symbols 257-285 and their extra bits (3.2.5), indexed by match length 3..258.
struct LengthSymbol {
  std::uint16_t symbol = 0;
  std::uint8_t extra_bits = 0;
  std::uint16_t extra = 0;
};
constexpr std::array<LengthSymbol, kMaxMatch + 1> make_length_symbols() {
  constexpr std::uint16_t base[29] = {3,  4,  5,  6,   7,   8,   9,   10,  11, 13,
                                      15, 17, 19, 23,  27,  31,  35,  43,  51, 59,
                                      67, 83, 99, 115, 131, 163, 195, 227, 258};
  constexpr std::uint8_t extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                      2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
  std::array<LengthSymbol, kMaxMatch + 1> table{};
  for (std::size_t s = 0; s < 29; ++s) {
    // Code 284 could express 258 as well; 3.2.5 gives 258 its own code 285.
    const std::size_t last =
        s == 28 ? 258 : std::min<std::size_t>(257, base[s] + (1u << extra[s]) - 1);
    for (std::size_t length = base[s]; length <= last; ++length)
      table[length] = LengthSymbol{static_cast<std::uint16_t>(257 + s), extra[s],
                                   static_cast<std::uint16_t>(length - base[s])};
  }
  return table;
}
constexpr auto kLengthSymbols = make_length_symbols();

// The distance code of `distance` (1..32768) and its extra bits (3.2.5).
struct DistanceSymbol {
  std::size_t symbol = 0;
  unsigned extra_bits = 0;
  std::uint32_t extra = 0;
};
DistanceSymbol distance_symbol(std::size_t distance) {
  constexpr std::uint32_t base[kDistanceSymbols] = {
      1,   2,   3,   4,   5,   7,    9,    13,   17,   25,   33,   49,   65,    97,    129,
      193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
  std::size_t s = kDistanceSymbols - 1;
  while (base[s] > distance) --s;
  const unsigned extra_bits = s < 4 ? 0 : static_cast<unsigned>(s / 2 - 1);
  return DistanceSymbol{s, extra_bits, static_cast<std::uint32_t>(distance - base[s])};
}

// A run of `length` >= kMinMatch bytes as matches of kMinMatch..kMaxMatch, none shorter than
// kMinMatch: the one before a remainder of 1 or 2 gives up 3 bytes to it.
template <class Match>
void for_each_match(std::size_t length, Match&& match) {
  while (length > 0) {
    std::size_t m = std::min(length, kMaxMatch);
    if (length - m > 0 && length - m < kMinMatch) m = length - kMinMatch;
    match(m);
    length -= m;
  }
}

// The code lengths of both trees as one sequence (3.2.7), run-length coded with symbols 16
// (repeat the previous length 3-6 times), 17 (3-10 zeros) and 18 (11-138 zeros).
struct CodeLengthToken {
  std::uint8_t symbol;
  std::uint8_t extra;  // repeat count minus the symbol's minimum
};
std::vector<CodeLengthToken> code_length_tokens(const std::uint8_t* lengths, std::size_t n) {
  std::vector<CodeLengthToken> tokens;
  for (std::size_t i = 0; i < n;) {
    const std::uint8_t value = lengths[i];
    std::size_t run = 1;
    while (i + run < n && lengths[i + run] == value) ++run;
    i += run;
    if (value == 0) {
      while (run >= 11) {
        const std::size_t r = std::min<std::size_t>(run, 138);
        tokens.push_back({18, static_cast<std::uint8_t>(r - 11)});
        run -= r;
      }
      if (run >= 3) {
        tokens.push_back({17, static_cast<std::uint8_t>(run - 3)});
        run = 0;
      }
    } else {
      tokens.push_back({value, 0});
      --run;
      while (run >= 3) {
        const std::size_t r = std::min<std::size_t>(run, 6);
        tokens.push_back({16, static_cast<std::uint8_t>(r - 3)});
        run -= r;
      }
    }
    for (; run > 0; --run) tokens.push_back({value, 0});
  }
  return tokens;
}

constexpr unsigned code_length_extra_bits(std::uint8_t symbol) {
  return symbol == 16 ? 2 : symbol == 17 ? 3 : symbol == 18 ? 7 : 0;
}

// zlib header (RFC 1950 2.2): deflate with a 32 KiB window, "fastest" level, no dictionary.
constexpr unsigned char kZlibHeader[2] = {0x78, 0x01};
static_assert((kZlibHeader[0] * 256 + kZlibHeader[1]) % 31 == 0);

unsigned char* put_adler32(unsigned char* out, const unsigned char* bytes, std::size_t size) {
  const std::uint32_t sum = adler32(bytes, size);
  for (int shift = 24; shift >= 0; shift -= 8) *out++ = static_cast<unsigned char>(sum >> shift);
  return out;
}

std::size_t stored_stream_size(std::size_t size) {
  const std::size_t blocks =
      std::max<std::size_t>(1, (size + kMaxStoredBlock - 1) / kMaxStoredBlock);
  return sizeof kZlibHeader + blocks * 5 + size + 4;
}

// Stored blocks (3.2.4): the bytes as they are, up to 65535 per block.
std::size_t write_stored(const unsigned char* bytes, std::size_t size,
                         std::vector<unsigned char>& out) {
  const std::size_t total = stored_stream_size(size);
  if (out.size() < total) out.resize(total);
  unsigned char* p = out.data();
  *p++ = kZlibHeader[0];
  *p++ = kZlibHeader[1];
  std::size_t done = 0;
  do {
    const std::size_t n = std::min(size - done, kMaxStoredBlock);
    const bool last = done + n == size;
    *p++ = static_cast<unsigned char>(last ? 1 : 0);  // BFINAL, BTYPE 00, then byte-aligned
    *p++ = static_cast<unsigned char>(n);
    *p++ = static_cast<unsigned char>(n >> 8);
    *p++ = static_cast<unsigned char>(~n);
    *p++ = static_cast<unsigned char>(~n >> 8);
    if (n > 0) std::memcpy(p, bytes + done, n);
    p += n;
    done += n;
  } while (done < size);
  p = put_adler32(p, bytes, size);
  return static_cast<std::size_t>(p - out.data());
}

// Bit j set where p[j] == p[j - element], for j < 64. Eight 64-bit words, no branches: the
// zero bytes of a word's difference, gathered into one bit each by the multiply.
std::uint64_t equal_bytes_mask(const unsigned char* p, std::size_t element) noexcept {
  constexpr std::uint64_t kLow7 = 0x7f7f7f7f7f7f7f7f;
  std::uint64_t mask = 0;
  for (unsigned w = 0; w < 8; ++w) {
    const std::uint64_t x = load64(p + 8 * w) ^ load64(p + 8 * w - element);
    const std::uint64_t zero_high = ~(((x & kLow7) + kLow7) | x | kLow7);  // 0x80 per zero byte
    mask |= (((zero_high >> 7) * 0x0102040810204080) >> 56) << (8 * w);
  }
  return mask;
}

// The end of a run known to repeat up to `from`: the first byte at or after `from` that
// differs from the one `element` before it, or size.
std::size_t run_end(const unsigned char* bytes, std::size_t size, std::size_t element,
                    std::size_t from) noexcept {
  std::size_t end = from;
  for (; end + 8 <= size; end += 8) {
    const std::uint64_t diff = load64(bytes + end) ^ load64(bytes + end - element);
    if (diff != 0) return end + static_cast<std::size_t>(std::countr_zero(diff)) / 8;
  }
  while (end < size && bytes[end] == bytes[end - element]) ++end;
  return end;
}

}  // namespace

// A run needs kMinRun consecutive bytes each equal to the one `element` before it. A 64-byte
// block's equalities become a bit mask, and three shifted ANDs leave the bits where 8 in a row
// start. Every run that starts in the block is read off the mask, and only one that reaches
// the block's end is followed through memory; the next block starts after the last position
// whose 8-byte window fits in this one (or after the run that crossed it).
void ColumnDeflater::find_runs(const unsigned char* bytes, std::size_t size, std::size_t element) {
  static_assert(kMinRun == 8, "run starts are found with three shifts: 1 + 1 + 2 + 4 = 8");
  constexpr std::size_t kStarts = 64 - kMinRun + 1;  // starts whose window fits in a block
  runs_.clear();
  std::size_t i = element;
  while (i + 64 <= size) {
    const std::uint64_t equal = equal_bytes_mask(bytes + i, element);
    std::uint64_t starts = equal & equal >> 1;
    starts &= starts >> 2;
    starts &= starts >> 4;
    starts &= (std::uint64_t{1} << kStarts) - 1;
    std::size_t next = i + kStarts;
    while (starts != 0) {
      const auto start = static_cast<std::size_t>(std::countr_zero(starts));
      const std::uint64_t differs = ~equal >> start;
      const std::size_t end = differs != 0
                                  ? i + start + static_cast<std::size_t>(std::countr_zero(differs))
                                  : run_end(bytes, size, element, i + 64);
      runs_.push_back(Run{i + start, end - (i + start)});
      if (end - i >= kStarts) {
        next = end;
        break;
      }
      starts &= ~std::uint64_t{0} << (end - i);
    }
    i = next;
  }
  while (i + kMinRun <= size) {
    const std::uint64_t diff = load64(bytes + i) ^ load64(bytes + i - element);
    if (diff != 0) {
      // No run can start at or before the window's last mismatch.
      i += static_cast<std::size_t>(63 - std::countl_zero(diff)) / 8 + 1;
      continue;
    }
    const std::size_t end = run_end(bytes, size, element, i + kMinRun);
    runs_.push_back(Run{i, end - i});
    i = end;
  }
}

std::size_t ColumnDeflater::compress(const unsigned char* bytes, std::size_t size,
                                     std::size_t element, std::vector<unsigned char>& out,
                                     bool store_only) {
  if (element < 1 || element > kMaxMatch - 2)
    throw std::invalid_argument("ColumnDeflater: element width must be 1 to 256 bytes");
  if (store_only || size == 0) return write_stored(bytes, size, out);

  // Pass 1: find the runs, then count the bytes between them (the literals). Four interleaved
  // histograms, so that neighbouring equal bytes do not wait on each other's increment.
  find_runs(bytes, size, element);
  std::array<std::array<std::uint64_t, 256>, 4> histogram{};
  const auto count_literals = [&](std::size_t from, std::size_t to) {
    std::size_t k = from;
    for (; k + 4 <= to; k += 4) {
      ++histogram[0][bytes[k]];
      ++histogram[1][bytes[k + 1]];
      ++histogram[2][bytes[k + 2]];
      ++histogram[3][bytes[k + 3]];
    }
    for (; k < to; ++k) ++histogram[0][bytes[k]];
  };
  std::size_t at = 0;
  for (const Run& run : runs_) {
    count_literals(at, run.start);
    at = run.start + run.length;
  }
  count_literals(at, size);

  std::array<std::uint64_t, kLiteralLengthSymbols> freq{};
  for (std::size_t b = 0; b < 256; ++b)
    freq[b] = histogram[0][b] + histogram[1][b] + histogram[2][b] + histogram[3][b];
  freq[kEndOfBlock] = 1;
  for (const Run& run : runs_)
    for_each_match(run.length, [&](std::size_t m) { ++freq[kLengthSymbols[m].symbol]; });

  // The trees. The distance tree has the one code this block uses, one bit long; it is
  // declared even when no run occurs, as every inflater accepts that.
  const auto literal_lengths = huffman_lengths(freq, kMaxCodeBits);
  const auto literal_codes = canonical_codes(literal_lengths);
  const DistanceSymbol distance = distance_symbol(element);
  std::size_t literal_count = kLiteralLengthSymbols;
  while (literal_lengths[literal_count - 1] == 0) --literal_count;
  const std::size_t distance_count = distance.symbol + 1;

  std::array<std::uint8_t, kLiteralLengthSymbols + kDistanceSymbols> all_lengths{};
  std::copy_n(literal_lengths.begin(), literal_count, all_lengths.begin());
  all_lengths[literal_count + distance.symbol] = 1;
  const auto tokens = code_length_tokens(all_lengths.data(), literal_count + distance_count);
  std::array<std::uint64_t, kCodeLengthSymbols> token_freq{};
  for (const auto& t : tokens) ++token_freq[t.symbol];
  const auto token_lengths = huffman_lengths(token_freq, kMaxCodeLengthBits);
  const auto token_codes = canonical_codes(token_lengths);
  // The order in which the code-length code's own lengths are sent (3.2.7).
  constexpr std::uint8_t kOrder[kCodeLengthSymbols] = {16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
                                                       11, 4,  12, 3, 13, 2, 14, 1, 15};
  std::size_t order_count = kCodeLengthSymbols;
  while (order_count > 4 && token_lengths[kOrder[order_count - 1]] == 0) --order_count;

  // The exact size, to size the buffer and to choose stored blocks when they are smaller.
  std::uint64_t bits = 3 + 5 + 5 + 4 + 3 * order_count;
  for (const auto& t : tokens) bits += token_lengths[t.symbol] + code_length_extra_bits(t.symbol);
  for (std::size_t s = 0; s < kLiteralLengthSymbols; ++s) bits += freq[s] * literal_lengths[s];
  for (const Run& run : runs_)
    for_each_match(run.length, [&](std::size_t m) {
      bits += kLengthSymbols[m].extra_bits + 1 + distance.extra_bits;
    });
  const std::size_t deflated = static_cast<std::size_t>((bits + 7) / 8);
  if (sizeof kZlibHeader + deflated + 4 >= stored_stream_size(size))
    return write_stored(bytes, size, out);
  const std::size_t total = sizeof kZlibHeader + deflated + 4;
  if (out.size() < total + 8) out.resize(total + 8);

  // Pass 2: write the block.
  unsigned char* p = out.data();
  *p++ = kZlibHeader[0];
  *p++ = kZlibHeader[1];
  BitWriter writer(p);
  writer.put(1, 1);  // BFINAL
  writer.put(2, 2);  // BTYPE 10: dynamic Huffman codes
  writer.put(literal_count - 257, 5);
  writer.put(distance_count - 1, 5);
  writer.put(order_count - 4, 4);
  writer.flush();
  for (std::size_t k = 0; k < order_count; ++k) {
    writer.put(token_lengths[kOrder[k]], 3);
    writer.flush();
  }
  for (const auto& t : tokens) {
    writer.put(token_codes[t.symbol].bits, token_codes[t.symbol].length);
    writer.put(t.extra, code_length_extra_bits(t.symbol));
    writer.flush();
  }

  // Each match is one put: length code (<= 15 bits), its extra bits (<= 5), the distance code
  // (1 bit) and its extra bits (<= 6 for elements of up to 256 bytes), 27 bits at most.
  const Code distance_code{0, 1};
  // Literals go two at a time through a table of byte pairs when their codes are short
  // enough for a pair to fit one 32-bit entry (26 bits of code, 6 of length) and the table is
  // small next to the data; only pairs of bytes that occur as literals are filled in.
  std::vector<std::uint8_t> used;
  unsigned longest = 0;
  for (std::size_t b = 0; b < 256; ++b)
    if (literal_lengths[b] > 0) {
      used.push_back(static_cast<std::uint8_t>(b));
      longest = std::max<unsigned>(longest, literal_lengths[b]);
    }
  const bool pairs = longest <= kMaxPairCodeBits / 2 && used.size() * used.size() <= size / 8;
  if (pairs) {
    pair_codes_.resize(1 << 16);
    for (const std::uint8_t first_byte : used)
      for (const std::uint8_t second_byte : used) {
        const Code a = literal_codes[first_byte], b = literal_codes[second_byte];
        pair_codes_[first_byte | second_byte << 8] =
            (std::uint32_t{a.bits} | std::uint32_t{b.bits} << a.length) |
            std::uint32_t(a.length + b.length) << kMaxPairCodeBits;
      }
  }
  const std::uint32_t* pair_codes = pair_codes_.data();
  const auto put_literals = [&](std::size_t from, std::size_t to) {
    std::size_t k = from;
    if (pairs) {
      // Two pairs of at most 26 bits between flushes.
      constexpr std::uint32_t kCodeMask = (std::uint32_t{1} << kMaxPairCodeBits) - 1;
      for (; k + 4 <= to; k += 4) {
        std::uint32_t four;
        std::memcpy(&four, bytes + k, sizeof four);
        const std::uint32_t a = pair_codes[four & 0xffff], b = pair_codes[four >> 16];
        writer.put(a & kCodeMask, a >> kMaxPairCodeBits);
        writer.put(b & kCodeMask, b >> kMaxPairCodeBits);
        writer.flush();
      }
    } else {
      // Three literals of at most 15 bits between flushes.
      for (; k + 3 <= to; k += 3) {
        const Code a = literal_codes[bytes[k]], b = literal_codes[bytes[k + 1]],
                   c = literal_codes[bytes[k + 2]];
        writer.put(a.bits, a.length);
        writer.put(b.bits, b.length);
        writer.put(c.bits, c.length);
        writer.flush();
      }
    }
    for (; k < to; ++k) {
      const Code c = literal_codes[bytes[k]];
      writer.put(c.bits, c.length);
      writer.flush();
    }
  };
  at = 0;
  for (const Run& run : runs_) {
    put_literals(at, run.start);
    for_each_match(run.length, [&](std::size_t m) {
      const LengthSymbol& l = kLengthSymbols[m];
      const Code c = literal_codes[l.symbol];
      std::uint64_t v = c.bits;
      unsigned n = c.length;
      v |= std::uint64_t{l.extra} << n;
      n += l.extra_bits;
      v |= std::uint64_t{distance_code.bits} << n;
      n += distance_code.length;
      v |= std::uint64_t{distance.extra} << n;
      n += distance.extra_bits;
      writer.put(v, n);
      writer.flush();
    });
    at = run.start + run.length;
  }
  put_literals(at, size);
  writer.put(literal_codes[kEndOfBlock].bits, literal_codes[kEndOfBlock].length);
  p = writer.finish();
  p = put_adler32(p, bytes, size);
  const auto written = static_cast<std::size_t>(p - out.data());
  if (written != total) throw std::logic_error("ColumnDeflater: size estimate was wrong");
  return written;
}

}  // namespace nines
