#include "herd/links/link_queue.hpp"

#include <algorithm>

namespace herd {

namespace {

// An emptied origin keeps storage up to this size for its next lines.
constexpr std::size_t kept_capacity = 64 * 1024;

}  // namespace

LinkQueue::LinkQueue(std::size_t origins) : origins_(origins) {}

void LinkQueue::push(std::size_t origin, std::string_view line, std::uint64_t ticket) {
  Origin& queue = origins_[origin];
  queue.text.append(line);
  queue.text.push_back('\n');
  queue.lines.push_back(ticket);
  queue.pushed = ticket;
  bytes_ += line.size() + 1;
}

void LinkQueue::take(std::string& out, std::size_t bytes) {
  const std::size_t start = out.size();
  while (out.size() - start < bytes && bytes_ > 0) {
    Origin& origin = origins_[next_];
    next_ = (next_ + 1) % origins_.size();
    if (!origin.lines.empty()) take_turn(origin, out);
  }
}

void LinkQueue::take_turn(Origin& origin, std::string& out) {
  const std::string_view rest = std::string_view(origin.text).substr(origin.head);
  // Whole lines up to turn_bytes; a longer first line goes out whole.
  std::size_t end = rest.substr(0, turn_bytes).rfind('\n');
  if (end == std::string_view::npos) end = rest.find('\n');
  const std::string_view taken = rest.substr(0, end + 1);
  out.append(taken);
  bytes_ -= taken.size();
  for (auto lines = std::count(taken.begin(), taken.end(), '\n'); lines > 0; --lines) {
    origin.taken = origin.lines.front();
    origin.lines.pop_front();
  }
  origin.head += taken.size();
  if (origin.lines.empty()) {
    // A backlog may have grown this origin's storage to megabytes; the
    // limit bounds the queue as a whole, not what each origin keeps.
    if (origin.text.capacity() > kept_capacity) {
      std::string().swap(origin.text);
    } else {
      origin.text.clear();
    }
    origin.head = 0;
  } else if (origin.head >= origin.text.size() / 2) {
    // Drop what was taken once it is most of the storage: each byte is moved
    // at most once more.
    origin.text.erase(0, origin.head);
    origin.head = 0;
  }
}

}  // namespace herd
