// The replies owed to one client, in the order of its commands (protocol.md §2),
// although a WHATSAT's answer comes later than the replies to commands after
// it: a reply still being worked on holds back those behind it, and the
// replies that may go out now gather in one text, for one write.
#pragma once

#include <cstddef>
#include <list>
#include <string>
#include <string_view>

namespace herd {

class ReplyQueue {
 public:
  // The place of a reply whose text comes later. Its owner fills `text`, then
  // calls complete(); it stays valid until then.
  class Held {
   public:
    std::string text;

   private:
    friend class ReplyQueue;
    bool complete = false;
  };

  // Queues a reply that is whole now.
  void append(std::string_view text);
  // Queues the place of a reply that is not whole yet.
  Held& hold();
  // The held reply's text is final: it goes out once the replies before it
  // have, and so do the whole ones behind it.
  void complete(Held& reply);

  // The replies that may go out now, in order.
  std::string_view ready() const { return ready_; }
  // The first `bytes` of ready() (all of it, if it is shorter) are on their
  // way: they leave the queue.
  void consume(std::size_t bytes);

  // Nothing is ready and nothing is held.
  bool empty() const { return ready_.empty() && held_.empty(); }
  // Replies queued behind, or being, a reply that is not whole yet.
  std::size_t held_count() const { return held_.size(); }

 private:
  std::string ready_;
  // From the first reply that is not whole yet on. A list, so that a Held
  // stays where it is, and since an empty one takes no memory.
  std::list<Held> held_;
};

}  // namespace herd
