// The flood lines waiting to be written to one link, kept apart by the member
// they come from (their origin) and written in turns. Under load one origin's
// flood fills the queue; an update from any other member still goes out after
// at most one turn of it, not behind all of it. Within an origin the order is
// kept; across origins it does not matter, since each record carries its own
// time (protocol.md §5: the newest wins wherever it arrives from).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace herd {

class LinkQueue {
 public:
  explicit LinkQueue(std::size_t origins);

  // Appends `line` (without "\n"); `ticket` numbers the flood (Peers::flood).
  void push(std::size_t origin, std::string_view line, std::uint64_t ticket);

  // Appends whole lines to `out` until about `bytes` more are there or the
  // queue is empty, taking from each origin in turn at most `turn_bytes` at a
  // time (always at least one line).
  void take(std::string& out, std::size_t bytes);

  std::size_t bytes() const { return bytes_; }
  bool empty() const { return bytes_ == 0; }
  // The ticket of the last line of `origin` pushed, and of the last one taken.
  std::uint64_t pushed_through(std::size_t origin) const { return origins_[origin].pushed; }
  std::uint64_t taken_through(std::size_t origin) const { return origins_[origin].taken; }

  // How much one origin may take per turn: a write of other origins' lines
  // waits behind at most this much of each.
  static constexpr std::size_t turn_bytes = 2 * 1024;

 private:
  struct Origin {
    std::string text;                 // lines, each ending in "\n", from `head` on
    std::size_t head = 0;             // bytes of `text` already taken
    std::deque<std::uint64_t> lines;  // the ticket of each line not yet taken
    std::uint64_t pushed = 0;
    std::uint64_t taken = 0;
  };

  void take_turn(Origin& origin, std::string& out);

  std::vector<Origin> origins_;
  std::size_t next_ = 0;  // the origin whose turn is next
  std::size_t bytes_ = 0;
};

}  // namespace herd
