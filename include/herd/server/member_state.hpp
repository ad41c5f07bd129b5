// Everything one member owns, built once in main: its configuration, log, the
// supervisor of its tasks, record table, peer links and Places backend. The
// server and its client sessions get all of it, since a session uses all of it;
// the links get only their part (LinkContext).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <spdlog/logger.h>

#include "herd/common/supervised.hpp"
#include "herd/config/config.hpp"
#include "herd/links/peers.hpp"
#include "herd/log/log_throttle.hpp"
#include "herd/places/places.hpp"
#include "herd/server/reply_batch.hpp"
#include "herd/table/table.hpp"

namespace herd {

class MemberState {
 public:
  MemberState(boost::asio::io_context& io, Config config, std::size_t self,
              std::shared_ptr<spdlog::logger> log, std::unique_ptr<PlacesBackend> places);

  const Config& config() const { return config_; }
  std::size_t self() const { return self_; }
  const std::string& name() const { return config_.members[self_].name; }
  const std::string& member_name(std::size_t index) const { return config_.members[index].name; }
  boost::asio::any_io_executor executor() const { return executor_; }

  spdlog::logger& log() { return *log_; }
  Supervisor& supervisor() { return supervisor_; }
  Table& table() { return table_; }
  // Updates the table's bounds turned away (protocol.md §5): IAMATs answered "?",
  // ECHOs dropped.
  LogThrottle& refused_iamats() { return refused_iamats_; }
  LogThrottle& dropped_echoes() { return dropped_echoes_; }
  Peers& peers() { return peers_; }
  PlacesBackend& places() { return *places_; }
  ReplyBatch& replies() { return replies_; }

 private:
  boost::asio::any_io_executor executor_;
  Config config_;
  std::size_t self_;
  std::shared_ptr<spdlog::logger> log_;
  Supervisor supervisor_;
  Table table_;
  LogThrottle refused_iamats_;
  LogThrottle dropped_echoes_;
  std::unique_ptr<PlacesBackend> places_;
  ReplyBatch replies_;
  Peers peers_;  // last: its LinkContext refers to parts above
};

}  // namespace herd
