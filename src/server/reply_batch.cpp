#include "herd/server/reply_batch.hpp"

#include <boost/asio/post.hpp>

#include "herd/server/client_session.hpp"

namespace herd {

void ReplyBatch::add(std::shared_ptr<ClientSession> session) {
  due_.push_back(std::move(session));
  if (posted_) return;
  posted_ = true;
  // Behind every handler already queued: the rest of this turn's reads.
  boost::asio::post(executor_, [this] { send_all(); });
}

void ReplyBatch::send_all() {
  posted_ = false;
  sending_.swap(due_);
  for (const auto& session : sending_) session->flush();
  sending_.clear();
}

}  // namespace herd
