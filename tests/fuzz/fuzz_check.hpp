// What the libFuzzer targets share.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace herd::fuzz {

// abort() rather than assert(): the invariants must hold in release fuzz builds too.
inline void check(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "invariant violated: %s\n", what);
    std::abort();
  }
}

// Whether `part` lies inside `whole` (a view into it, not a copy).
inline bool is_view_into(std::string_view part, std::string_view whole) {
  return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

}  // namespace herd::fuzz
