// The replies owed to one client (reply_queue.hpp): they go out in the order
// of the commands, whole, each once, however the held ones complete.
#include "herd/server/reply_queue.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace herd {
namespace {

// What the owner of a held reply does once its text is known.
void complete(ReplyQueue& queue, ReplyQueue::Held& reply, std::string text) {
  reply.text = std::move(text);
  queue.complete(reply);
}

TEST(ReplyQueue, WholeRepliesAreReadyAtOnceInOrder) {
  ReplyQueue queue;
  EXPECT_TRUE(queue.empty());
  EXPECT_EQ(queue.ready(), "");
  queue.append("AT 1\n");
  queue.append("? bad\n");
  EXPECT_EQ(queue.ready(), "AT 1\n? bad\n");
  EXPECT_FALSE(queue.empty());
  EXPECT_EQ(queue.held_count(), 0u);
}

TEST(ReplyQueue, AHeldReplyHoldsBackThoseBehindItUntilItCompletes) {
  ReplyQueue queue;
  queue.append("AT 1\n");
  ReplyQueue::Held& whatsat = queue.hold();
  queue.append("AT 3\n");
  queue.append("AT 4\n");
  EXPECT_EQ(queue.ready(), "AT 1\n");
  EXPECT_EQ(queue.held_count(), 3u);

  complete(queue, whatsat, "AT 2\n{}\n\n");
  EXPECT_EQ(queue.ready(), "AT 1\nAT 2\n{}\n\nAT 3\nAT 4\n");
  EXPECT_EQ(queue.held_count(), 0u);
}

TEST(ReplyQueue, HeldRepliesCompletingInReverseGoOutInTheirOrder) {
  ReplyQueue queue;
  std::vector<ReplyQueue::Held*> held;
  for (int i = 0; i < 3; ++i) held.push_back(&queue.hold());
  for (int i = 2; i >= 1; --i) {
    complete(queue, *held[i], "reply " + std::to_string(i) + "\n");
    EXPECT_EQ(queue.ready(), "") << "reply " << i << " went out before reply 0";
  }
  EXPECT_EQ(queue.held_count(), 3u);
  complete(queue, *held[0], "reply 0\n");
  EXPECT_EQ(queue.ready(), "reply 0\nreply 1\nreply 2\n");
  EXPECT_EQ(queue.held_count(), 0u);
}

TEST(ReplyQueue, CompletingTheFirstOfTwoHeldReleasesOnlyUpToTheSecond) {
  ReplyQueue queue;
  ReplyQueue::Held& first = queue.hold();
  queue.append("behind first\n");
  ReplyQueue::Held& second = queue.hold();
  queue.append("behind second\n");

  complete(queue, first, "first\n");
  EXPECT_EQ(queue.ready(), "first\nbehind first\n");
  EXPECT_EQ(queue.held_count(), 2u);  // the second and the reply behind it

  complete(queue, second, "second\n");
  EXPECT_EQ(queue.ready(), "first\nbehind first\nsecond\nbehind second\n");
  EXPECT_EQ(queue.held_count(), 0u);
}

TEST(ReplyQueue, AReplyAppendedOnceTheHeldOneCompletedIsReadyAtOnce) {
  ReplyQueue queue;
  ReplyQueue::Held& held = queue.hold();
  complete(queue, held, "late\n");
  queue.append("next\n");
  EXPECT_EQ(queue.ready(), "late\nnext\n");
}

TEST(ReplyQueue, AnEmptyHeldReplyStillKeepsItsPlace) {
  ReplyQueue queue;
  ReplyQueue::Held& held = queue.hold();
  queue.append("behind\n");
  EXPECT_FALSE(queue.empty());
  queue.complete(held);  // a text of nothing: only the order matters
  EXPECT_EQ(queue.ready(), "behind\n");
}

TEST(ReplyQueue, ConsumeTakesFromTheFrontUpToAllOfIt) {
  ReplyQueue queue;
  queue.append("0123456789");
  queue.consume(0);
  EXPECT_EQ(queue.ready(), "0123456789");
  queue.consume(1);
  EXPECT_EQ(queue.ready(), "123456789");
  queue.consume(8);  // all but the last byte
  EXPECT_EQ(queue.ready(), "9");
  EXPECT_FALSE(queue.empty());
  queue.consume(1);  // exactly what is left
  EXPECT_EQ(queue.ready(), "");
  EXPECT_TRUE(queue.empty());

  queue.append("ab");
  queue.consume(3);  // one past what is there
  EXPECT_EQ(queue.ready(), "");
  EXPECT_TRUE(queue.empty());
}

TEST(ReplyQueue, IsEmptyOnlyWhenNothingIsReadyOrHeld) {
  ReplyQueue queue;
  ReplyQueue::Held& held = queue.hold();
  EXPECT_FALSE(queue.empty());  // held, nothing ready
  complete(queue, held, "x\n");
  EXPECT_FALSE(queue.empty());  // ready, nothing held
  queue.consume(queue.ready().size());
  EXPECT_TRUE(queue.empty());
}

TEST(ReplyQueue, ManyHeldRepliesCompletingInAScrambledOrderComeOutOnceInOrder) {
  ReplyQueue queue;
  constexpr int replies = 200;
  std::vector<ReplyQueue::Held*> held(replies, nullptr);
  std::string expected;
  for (int i = 0; i < replies; ++i) {
    const std::string text = "reply " + std::to_string(i) + "\n";
    expected += text;
    if (i % 3 == 0) {
      queue.append(text);
    } else {
      held[i] = &queue.hold();
      held[i]->text = text;
    }
  }
  std::string sent;
  for (int step = 0; step < replies; ++step) {
    const int i = (step * 7) % replies;  // 7 and 200 are coprime: each index once
    if (held[i] != nullptr) queue.complete(*held[i]);
    sent += queue.ready();  // what a write would take now
    queue.consume(queue.ready().size());
  }
  EXPECT_EQ(sent, expected);
  EXPECT_TRUE(queue.empty());
}

}  // namespace
}  // namespace herd
