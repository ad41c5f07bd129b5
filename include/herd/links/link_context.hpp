// What a member's links use of what the member owns (MemberState): its
// configuration and name, log, supervisor, record table and the throttle for
// ECHOs the table turns away. Peers and each PeerConnection get this, not the
// whole member, so the links cannot reach its Places backend or client
// replies, and Peers is built from parts that are all built already.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <cstddef>
#include <string>

#include <spdlog/logger.h>

#include "herd/common/supervised.hpp"
#include "herd/config/config.hpp"
#include "herd/log/log_throttle.hpp"
#include "herd/table/table.hpp"

namespace herd {

class LinkContext {
 public:
  // Each part must outlive the links.
  LinkContext(boost::asio::any_io_executor executor, const Config& config, std::size_t self,
              spdlog::logger& log, Supervisor& supervisor, Table& table,
              LogThrottle& dropped_echoes)
      : executor_(std::move(executor)),
        config_(config),
        self_(self),
        log_(log),
        supervisor_(supervisor),
        table_(table),
        dropped_echoes_(dropped_echoes) {}

  const Config& config() const { return config_; }
  std::size_t self() const { return self_; }
  const std::string& name() const { return config_.members[self_].name; }
  const std::string& member_name(std::size_t index) const { return config_.members[index].name; }
  boost::asio::any_io_executor executor() const { return executor_; }

  spdlog::logger& log() const { return log_; }
  Supervisor& supervisor() const { return supervisor_; }
  Table& table() const { return table_; }
  // ECHOs the table's bounds turned away (protocol.md §5).
  LogThrottle& dropped_echoes() const { return dropped_echoes_; }

 private:
  boost::asio::any_io_executor executor_;
  const Config& config_;
  std::size_t self_;
  spdlog::logger& log_;
  Supervisor& supervisor_;
  Table& table_;
  LogThrottle& dropped_echoes_;
};

}  // namespace herd
