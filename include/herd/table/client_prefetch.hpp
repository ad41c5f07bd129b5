// The client ids of one read's lines, hashed and their index slots prefetched
// before any of the lines is handled. A pipelined read or a burst of floods
// holds many lines: their cache misses then overlap instead of coming one after
// another, and each line's lookup reuses the hash computed here rather than
// computing the keyed hash (protocol.md §5) a second time.
//
// Live only while the lines are handled, and on the stack of the function that
// handles them (not in a coroutine frame, which every idle connection keeps).
#pragma once

#include <boost/container/small_vector.hpp>
#include <cstdint>
#include <string_view>

#include "herd/table/table.hpp"

namespace herd {

class ClientPrefetch {
 public:
  // Every command that names a client (IAMAT, WHATSAT, ECHO) names it second,
  // so that field of each line of `lines` is hashed; for any other line the
  // work is wasted, nothing more. `lines` must stay unchanged while this lives.
  ClientPrefetch(const Table& table, std::string_view lines);

  // client_hash(client) for `client`, a view into the lines given above: the
  // hash computed ahead when `client` is the field taken from its line, else
  // computed now. Lines are expected in order; asking out of order only costs
  // the hash again.
  std::uint32_t hash_of(std::string_view client);

 private:
  struct Hashed {
    const char* id;
    std::uint32_t size;
    std::uint32_t hash;
  };

  const Table& table_;
  // The lines of a typical read fit in place; more spill to the heap.
  boost::container::small_vector<Hashed, 32> hashed_;
  std::size_t next_ = 0;
};

}  // namespace herd
