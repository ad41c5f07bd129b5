// Client replies produced in one turn of the event loop go out together at
// its end, not each right after its connection's read.
//
// A reply wakes its client. Under load the next connection's reply follows
// some microseconds later, by when that client (a load generator, say) may be
// asleep again, so every write paid for a fresh wake-up, an interprocessor
// interrupt on a virtual machine. Written back to back, the first wakes the
// reader and the rest find it awake. It also lets this turn's floods reach
// the link writers before any reply: those writers were woken earlier, and
// replies would otherwise hold up every hop of the flood.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <memory>
#include <vector>

namespace herd {

class ClientSession;

class ReplyBatch {
 public:
  explicit ReplyBatch(boost::asio::any_io_executor executor) : executor_(std::move(executor)) {}

  // `session` has replies ready: they are sent once the handlers queued so
  // far have run.
  void add(std::shared_ptr<ClientSession> session);

 private:
  void send_all();

  boost::asio::any_io_executor executor_;
  std::vector<std::shared_ptr<ClientSession>> due_;
  std::vector<std::shared_ptr<ClientSession>> sending_;  // kept for its capacity
  bool posted_ = false;
};

}  // namespace herd
