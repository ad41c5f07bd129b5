#include "herd/server/reply_queue.hpp"

#include <algorithm>

namespace herd {

void ReplyQueue::append(std::string_view text) {
  if (held_.empty()) {
    ready_.append(text);
    return;
  }
  Held& reply = held_.emplace_back();
  reply.text = text;
  reply.complete = true;
}

ReplyQueue::Held& ReplyQueue::hold() { return held_.emplace_back(); }

void ReplyQueue::complete(Held& reply) {
  reply.complete = true;
  while (!held_.empty() && held_.front().complete) {
    ready_.append(held_.front().text);
    held_.pop_front();
  }
}

void ReplyQueue::consume(std::size_t bytes) { ready_.erase(0, std::min(bytes, ready_.size())); }

}  // namespace herd
