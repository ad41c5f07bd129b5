// SipHash: the published SipHash-2-4 vectors check the shared code; SipHash-1-3,
// which the record table uses, against other implementations' values and for
// what a keyed hash must do.
#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <string>

#include "herd/table/siphash.hpp"

namespace herd {
namespace {

// The reference implementation's key 00 01 .. 0f.
constexpr SipKey reference_key{0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL};

// The message 00 01 .. (length - 1).
std::string counting_bytes(std::size_t length) {
  std::string bytes;
  for (std::size_t i = 0; i < length; ++i) bytes.push_back(static_cast<char>(i));
  return bytes;
}

TEST(SipHash, TwoFourMatchesThePublishedVectors) {
  // vectors_sip64 of github.com/veorq/SipHash (its bytes read little-endian):
  // SipHash-2-4 under reference_key of the messages of 0 to 63 counting bytes,
  // so every tail length, with and without whole words before it.
  constexpr std::uint64_t expected[64] = {
      0x726fdb47dd0e0e31ULL, 0x74f839c593dc67fdULL, 0x0d6c8009d9a94f5aULL, 0x85676696d7fb7e2dULL,
      0xcf2794e0277187b7ULL, 0x18765564cd99a68dULL, 0xcbc9466e58fee3ceULL, 0xab0200f58b01d137ULL,
      0x93f5f5799a932462ULL, 0x9e0082df0ba9e4b0ULL, 0x7a5dbbc594ddb9f3ULL, 0xf4b32f46226bada7ULL,
      0x751e8fbc860ee5fbULL, 0x14ea5627c0843d90ULL, 0xf723ca908e7af2eeULL, 0xa129ca6149be45e5ULL,
      0x3f2acc7f57c29bdbULL, 0x699ae9f52cbe4794ULL, 0x4bc1b3f0968dd39cULL, 0xbb6dc91da77961bdULL,
      0xbed65cf21aa2ee98ULL, 0xd0f2cbb02e3b67c7ULL, 0x93536795e3a33e88ULL, 0xa80c038ccd5ccec8ULL,
      0xb8ad50c6f649af94ULL, 0xbce192de8a85b8eaULL, 0x17d835b85bbb15f3ULL, 0x2f2e6163076bcfadULL,
      0xde4daaaca71dc9a5ULL, 0xa6a2506687956571ULL, 0xad87a3535c49ef28ULL, 0x32d892fad841c342ULL,
      0x7127512f72f27cceULL, 0xa7f32346f95978e3ULL, 0x12e0b01abb051238ULL, 0x15e034d40fa197aeULL,
      0x314dffbe0815a3b4ULL, 0x027990f029623981ULL, 0xcadcd4e59ef40c4dULL, 0x9abfd8766a33735cULL,
      0x0e3ea96b5304a7d0ULL, 0xad0c42d6fc585992ULL, 0x187306c89bc215a9ULL, 0xd4a60abcf3792b95ULL,
      0xf935451de4f21df2ULL, 0xa9538f0419755787ULL, 0xdb9acddff56ca510ULL, 0xd06c98cd5c0975ebULL,
      0xe612a3cb9ecba951ULL, 0xc766e62cfcadaf96ULL, 0xee64435a9752fe72ULL, 0xa192d576b245165aULL,
      0x0a8787bf8ecb74b2ULL, 0x81b3e73d20b49b6fULL, 0x7fa8220ba3b2eceaULL, 0x245731c13ca42499ULL,
      0xb78dbfaf3a8d83bdULL, 0xea1ad565322a1a0bULL, 0x60e61c23a3795013ULL, 0x6606d7e446282b93ULL,
      0x6ca4ecb15c5f91e1ULL, 0x9f626da15c9625f3ULL, 0xe51b38608ef25f57ULL, 0x958a324ceb064572ULL,
  };
  for (std::size_t length = 0; length < 64; ++length) {
    EXPECT_EQ(siphash24(reference_key, counting_bytes(length)), expected[length]) << length;
  }
}

TEST(SipHash, OneThreeAgreesWithOtherImplementations) {
  // SipHash-1-3 has no vectors from its authors. These are other projects'
  // test values: under reference_key, the messages of 0 to 16 counting bytes
  // (Firedancer's fd_siphash13 tests); under the zero key, "" and "siphash"
  // (the same in OCaml's and a Rust crate's tests).
  constexpr std::uint64_t expected[17] = {
      0xabac0158050fc4dcULL, 0xc9f49bf37d57ca93ULL, 0x82cb9b024dc7d44dULL, 0x8bf80ab8e7ddf7fbULL,
      0xcf75576088d38328ULL, 0xdef9d52f49533b67ULL, 0xc50d2b50c59f22a7ULL, 0xd3927d989bb11140ULL,
      0x369095118d299a8eULL, 0x25a48eb36c063de4ULL, 0x79de85ee92ff097fULL, 0x70c118c1f94dc352ULL,
      0x78a384b157b4d9a2ULL, 0x306f760c1229ffa7ULL, 0x605aa111c0f95d34ULL, 0xd320d86d2a519956ULL,
      0xcc4fdd1a7d908b66ULL,
  };
  for (std::size_t length = 0; length < 17; ++length) {
    EXPECT_EQ(siphash13(reference_key, counting_bytes(length)), expected[length]) << length;
  }
  EXPECT_EQ(siphash13({}, ""), 0xd1fba762150c532cULL);
  EXPECT_EQ(siphash13({}, "siphash"), 0x8264ceeccb16bcbeULL);
}

TEST(SipHash, OneThreeMatchesCPythonsHashUnderTheZeroKey) {
  // CPython 3.11 hashes bytes with SipHash-1-3; with PYTHONHASHSEED=0 its key
  // is zero. Its hash() of the messages of 1 to 64 counting bytes (0 is
  // special-cased there), printed as unsigned:
  //   PYTHONHASHSEED=0 python3 -c 'print([hash(bytes(range(n))) % 2**64 for n in range(1, 65)])'
  constexpr std::uint64_t expected[64] = {
      0x68a914128e01e473ULL, 0x010bac45c41e3669ULL, 0x4d4c9a4a8ef6e0adULL, 0x7cc43f98813e4dbdULL,
      0x5abe2169dff36275ULL, 0xe3c25f87624f1cdbULL, 0x2f098ab0c751325aULL, 0xead411e67ebe2eeaULL,
      0x75927f9d95124362ULL, 0xaf9f77a65ab51a1dULL, 0xfe64ce8b6617fcffULL, 0xa6baf4fb0f9fe1c2ULL,
      0xa0cf3211850f8e0dULL, 0x7f86049379fbfe67ULL, 0xf30eb725bb91c9eaULL, 0x8972188433a5c5b7ULL,
      0x4883c49a2c009c1dULL, 0xadc2c0b63044067dULL, 0x091f4a3329f87d19ULL, 0x639e355ae68c0100ULL,
      0xb17bef2cb5213239ULL, 0xf8aeb1066236ccfeULL, 0x37332b1389daa4ffULL, 0x31185a47af932f3aULL,
      0xebf352e82ae23e2fULL, 0xed36ff242fe478b2ULL, 0x2454d97d299299dfULL, 0x8cd57fe8130d0ac7ULL,
      0xbe98eb2faf0a0e85ULL, 0xd427c34ee09470c6ULL, 0x169739443111d49bULL, 0x31ef8061c910629bULL,
      0x7fb71d24dfa4c9f6ULL, 0x92771f49e836d389ULL, 0x3c393cf6f0853bc3ULL, 0xac77921fcc642bd3ULL,
      0x422a9751192ff266ULL, 0xc680ae8a8c584ddfULL, 0x6c76b6d34bb6d26bULL, 0x95bc321ab41d8206ULL,
      0x908a3a97a6d37669ULL, 0xfcaf3c64874dd0b4ULL, 0xf689479b32b84a44ULL, 0xd857641079efd1fdULL,
      0x8b581578722633f7ULL, 0x83cb09d35ea7bcd4ULL, 0x8485f7f5ae725a0dULL, 0xfe1f2445ba50237fULL,
      0x23cece041d7866b0ULL, 0x416687480b336c09ULL, 0xf15960da7e7f3892ULL, 0xded6177b9826835aULL,
      0xf80dae51668be6beULL, 0x17ecc6ee6647df18ULL, 0x5220d642b4a52110ULL, 0xa4f0cf4ba4adc016ULL,
      0xe5125bb26d1f2976ULL, 0x851b0e75f580d256ULL, 0x12605250a37e39acULL, 0xd95a713568daebf1ULL,
      0xcdcf4a42ec0dd605ULL, 0xa5c708712b617164ULL, 0x385d3e39e5f37359ULL, 0x75e05fd5bbc870c6ULL,
  };
  for (std::size_t length = 1; length <= 64; ++length) {
    EXPECT_EQ(siphash13({}, counting_bytes(length)), expected[length - 1]) << length;
  }
}

TEST(SipHash, OneThreeIsAnotherFunctionOfTheSameInput) {
  for (std::size_t length = 0; length < 64; ++length) {
    const std::string message = counting_bytes(length);
    EXPECT_NE(siphash13(reference_key, message), siphash24(reference_key, message)) << length;
    EXPECT_EQ(siphash13(reference_key, message), siphash13(reference_key, message)) << length;
  }
}

TEST(SipHash, OneThreeDependsOnEveryByteAndTheLength) {
  const std::string message = "client:123456789012";
  const std::uint64_t hash = siphash13(reference_key, message);
  for (std::size_t i = 0; i < message.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string flipped = message;
      flipped[i] = static_cast<char>(flipped[i] ^ (1 << bit));
      EXPECT_NE(siphash13(reference_key, flipped), hash) << i << " " << bit;
    }
  }
  // Zero bytes at the end change the length, which the last word carries.
  EXPECT_NE(siphash13(reference_key, std::string("a\0", 2)), siphash13(reference_key, "a"));
  EXPECT_NE(siphash13(reference_key, std::string(8, '\0')), siphash13(reference_key, ""));
}

TEST(SipHash, DifferentKeysGiveDifferentHashes) {
  // Every key bit matters, in both halves: no key differs from another by a
  // bit that the hash ignores.
  const std::string message = "kiwi.cs.ucla.edu";
  std::set<std::uint64_t> hashes{siphash13(reference_key, message)};
  for (int bit = 0; bit < 64; ++bit) {
    hashes.insert(siphash13({reference_key.k0 ^ (1ULL << bit), reference_key.k1}, message));
    hashes.insert(siphash13({reference_key.k0, reference_key.k1 ^ (1ULL << bit)}, message));
  }
  EXPECT_EQ(hashes.size(), 129u);
}

TEST(SipHash, LowBitsOfManyIdsSpreadUnderAnyKey) {
  // What the index takes of the hash: the low bits. 4096 ids into 256 buckets
  // expect 16 each; under any key none should be near empty or overfull.
  for (const SipKey key : {reference_key, SipKey{1, 2}, SipKey{~0ULL, 0}}) {
    int buckets[256] = {};
    for (int i = 0; i < 4096; ++i) {
      ++buckets[siphash13(key, "client:" + std::to_string(i)) & 255];
    }
    for (const int count : buckets) {
      EXPECT_GT(count, 0);
      EXPECT_LT(count, 48);
    }
  }
}

TEST(SipHash, TheProcessKeyIsDrawnOnce) {
  const SipKey& key = process_sip_key();
  EXPECT_EQ(&key, &process_sip_key());
  // 2^-128 odds that a random key is all zeros.
  EXPECT_TRUE(key.k0 != 0 || key.k1 != 0);
}

TEST(SipHash, EveryDrawIsAFreshKey) {
  // What each process starts with: two draws agree with odds of 2^-128.
  const SipKey first = draw_sip_key();
  const SipKey second = draw_sip_key();
  EXPECT_TRUE(first.k0 != second.k0 || first.k1 != second.k1);
  EXPECT_TRUE(first.k0 != 0 || first.k1 != 0);
}

}  // namespace
}  // namespace herd
