#include "herd/protocol/line_buffer.hpp"

#include <algorithm>
#include <cstring>

namespace herd {

namespace {

// First allocation: big enough for a few pipelined commands, small enough that
// ten thousand busy connections stay cheap.
constexpr std::size_t initial_capacity = 2048;

std::string_view strip_cr(const char* begin, std::size_t size) {
  if (size > 0 && begin[size - 1] == '\r') --size;
  return {begin, size};
}

}  // namespace

LineBuffer::LineBuffer(std::size_t max_line_bytes) : max_line_(max_line_bytes) {}

std::span<char> LineBuffer::write_area() {
  // A line may be max_line_ bytes plus "\r\n": the buffer never needs to hold more
  // than that of one line, plus room for reading what follows it.
  const std::size_t cap = max_line_ + 2;
  if (begin_ == end_) {
    begin_ = end_ = scanned_ = 0;
  } else if (begin_ > 0 && (data_.size() - end_ < data_.size() / 4 || end_ == data_.size())) {
    std::memmove(data_.data(), data_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    scanned_ -= begin_;
    begin_ = 0;
  }
  if (data_.empty()) {
    data_.resize(std::min(initial_capacity, std::max(cap, std::size_t{64})));
  } else if (end_ == data_.size() && data_.size() < cap) {
    data_.resize(std::min(data_.size() * 2, cap));
  }
  return {data_.data() + end_, data_.size() - end_};
}

void LineBuffer::commit(std::size_t bytes) { end_ += bytes; }

std::optional<std::string_view> LineBuffer::next_line() {
  if (skipping_ && !skip_to_newline()) return std::nullopt;
  if (scanned_ == end_) return std::nullopt;  // also spares memchr a null pointer
  const char* base = data_.data();
  const void* newline = std::memchr(base + scanned_, '\n', end_ - scanned_);
  if (newline == nullptr) {
    scanned_ = end_;
    return std::nullopt;
  }
  const auto at = static_cast<std::size_t>(static_cast<const char*>(newline) - base);
  const auto line = strip_cr(base + begin_, at - begin_);
  if (line.size() > max_line_) {
    scanned_ = at;  // stays on this line: overflowed() until skip_line()
    return std::nullopt;
  }
  begin_ = scanned_ = at + 1;
  return line;
}

bool LineBuffer::overflowed() const {
  if (skipping_ || begin_ == end_) return false;
  const char* line = data_.data() + begin_;
  const std::size_t held = end_ - begin_;
  // A line that fits ends within its first max_line_ + 2 bytes ("\r\n" included).
  if (const void* newline = std::memchr(line, '\n', std::min(held, max_line_ + 2))) {
    const auto size = static_cast<std::size_t>(static_cast<const char*>(newline) - line);
    return strip_cr(line, size).size() > max_line_;
  }
  if (held > max_line_ + 1) return true;
  // max_line_ + 1 bytes may still be a full-length line whose "\r\n" is arriving.
  return held == max_line_ + 1 && line[max_line_] != '\r';
}

std::string_view LineBuffer::overflow_prefix() const {
  return {data_.data() + begin_, std::min(max_line_, end_ - begin_)};
}

void LineBuffer::skip_line() {
  skipping_ = true;
  skip_to_newline();
}

bool LineBuffer::skip_to_newline() {
  if (begin_ == end_) return false;
  const char* base = data_.data();
  const void* newline = std::memchr(base + begin_, '\n', end_ - begin_);
  // Without its '\n' yet, everything held is part of the skipped line.
  begin_ = scanned_ = newline == nullptr
                          ? end_
                          : static_cast<std::size_t>(static_cast<const char*>(newline) - base) + 1;
  skipping_ = newline == nullptr;
  return !skipping_;
}

std::optional<std::string_view> LineBuffer::take_rest() {
  if (skipping_) skip_to_newline();  // what is left belongs to the skipped line
  if (begin_ == end_) return std::nullopt;
  const auto line = strip_cr(data_.data() + begin_, end_ - begin_);
  begin_ = scanned_ = end_;
  return line;
}

void LineBuffer::release_if_empty() {
  if (begin_ != end_) return;
  std::vector<char>().swap(data_);
  begin_ = end_ = scanned_ = 0;
}

}  // namespace herd
