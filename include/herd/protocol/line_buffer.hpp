// Splits a byte stream into lines (protocol.md §2) with a hard cap on line length, so
// memory never grows with what an attacker sends. Used by client sessions and
// peer links alike.
#pragma once

#include <boost/asio/buffer.hpp>
#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace herd {

class LineBuffer {
 public:
  explicit LineBuffer(std::size_t max_line_bytes);

  // A connection that becomes a peer link takes the link's longer lines from
  // now on (Config::peer_max_line_bytes).
  void set_max_line_bytes(std::size_t max_line_bytes) { max_line_ = max_line_bytes; }

  // Where the next read may put its bytes (never empty unless the held partial
  // line already exceeds the limit), and how many it did put.
  std::span<char> write_area();
  void commit(std::size_t bytes);

  // The next complete line without "\n" or "\r\n"; valid until the next call to
  // write_area(). Nullopt when no complete line is buffered, or when the next
  // line is longer than the limit (overflowed() then says so).
  std::optional<std::string_view> next_line();

  // Every byte received and not yet taken as a line; valid until the next call
  // to write_area().
  std::string_view unread() const { return {data_.data() + begin_, end_ - begin_}; }

  // True when the next line, complete or not, is longer than the limit
  // allows: it is counted without its "\n" or "\r\n".
  bool overflowed() const;
  // The first max_line_bytes bytes of the over-long line.
  std::string_view overflow_prefix() const;
  // Drops the over-long line: what is held of it now, and the rest of it up to
  // its "\n" as it arrives, so a reader can go on with the line after it.
  void skip_line();

  // At end of stream: what is left, as a last line without terminator (protocol.md §2).
  std::optional<std::string_view> take_rest();

  // Nothing is buffered (not even part of a line).
  bool empty() const { return begin_ == end_; }

  // Frees the storage when nothing is buffered (idle connections cost little).
  void release_if_empty();

 private:
  // While skipping: drops bytes up to and including the next '\n'; returns
  // whether it came (the skipped line is over).
  bool skip_to_newline();

  std::size_t max_line_;
  std::vector<char> data_;
  std::size_t begin_ = 0;    // first unconsumed byte
  std::size_t end_ = 0;      // one past the last received byte
  std::size_t scanned_ = 0;  // bytes in [begin_, scanned_) hold no '\n'
  bool skipping_ = false;    // inside a skipped line whose '\n' has not come yet
};

// The write area as an Asio buffer, for async_read_some.
inline boost::asio::mutable_buffer read_buffer(LineBuffer& lines) {
  const std::span<char> area = lines.write_area();
  return {area.data(), area.size()};
}

}  // namespace herd
