// SipHash (Aumasson and Bernstein, 2012): a keyed hash of short byte strings.
// The record table hashes client ids, which clients choose; with an unkeyed
// hash they can pick ids that all land in one run of the index (protocol.md §5), so
// the index hashes with SipHash-1-3 (one compression round per 8 bytes, three
// at the end, as Python and Rust do for their dictionaries) under a key that
// nobody outside the process knows. SipHash-2-4, the paper's original, shares
// the code and has the published test vectors.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace herd {

struct SipKey {
  std::uint64_t k0 = 0;
  std::uint64_t k1 = 0;
};

namespace sip_detail {

inline std::uint64_t load_little_endian(const char* bytes) {
  std::uint64_t word;
  std::memcpy(&word, bytes, sizeof word);
  if constexpr (std::endian::native == std::endian::big) word = __builtin_bswap64(word);
  return word;
}

struct State {
  std::uint64_t v0, v1, v2, v3;

  void round() {
    v0 += v1;
    v1 = std::rotl(v1, 13);
    v1 ^= v0;
    v0 = std::rotl(v0, 32);
    v2 += v3;
    v3 = std::rotl(v3, 16);
    v3 ^= v2;
    v0 += v3;
    v3 = std::rotl(v3, 21);
    v3 ^= v0;
    v2 += v1;
    v1 = std::rotl(v1, 17);
    v1 ^= v2;
    v2 = std::rotl(v2, 32);
  }

  template <int Rounds>
  void compress(std::uint64_t word) {
    v3 ^= word;
    for (int i = 0; i < Rounds; ++i) round();
    v0 ^= word;
  }
};

}  // namespace sip_detail

// SipHash-c-d of `bytes` under `key`. Inline: the table hashes a client id on
// every command that names one.
template <int CompressionRounds, int FinalizationRounds>
std::uint64_t siphash(const SipKey& key, std::string_view bytes) {
  sip_detail::State state{key.k0 ^ 0x736f6d6570736575, key.k1 ^ 0x646f72616e646f6d,
                          key.k0 ^ 0x6c7967656e657261, key.k1 ^ 0x7465646279746573};
  const char* in = bytes.data();
  const std::size_t whole_words = bytes.size() / 8;
  for (std::size_t i = 0; i < whole_words; ++i, in += 8) {
    state.compress<CompressionRounds>(sip_detail::load_little_endian(in));
  }
  // The last word: the remaining 0 to 7 bytes, and the length's low byte on top.
  std::uint64_t last = static_cast<std::uint64_t>(bytes.size()) << 56;
  for (std::size_t i = 0; i < bytes.size() % 8; ++i) {
    last |= static_cast<std::uint64_t>(static_cast<unsigned char>(in[i])) << (8 * i);
  }
  state.compress<CompressionRounds>(last);
  state.v2 ^= 0xff;
  for (int i = 0; i < FinalizationRounds; ++i) state.round();
  return state.v0 ^ state.v1 ^ state.v2 ^ state.v3;
}

inline std::uint64_t siphash13(const SipKey& key, std::string_view bytes) {
  return siphash<1, 3>(key, bytes);
}

inline std::uint64_t siphash24(const SipKey& key, std::string_view bytes) {
  return siphash<2, 4>(key, bytes);
}

// A new key from getrandom(). Throws std::system_error if the kernel has no
// randomness to give.
SipKey draw_sip_key();

// This process's secret key: drawn on first use, the same for the rest of the
// process, so every member (and every restart) has its own.
const SipKey& process_sip_key();

}  // namespace herd
