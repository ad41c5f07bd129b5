// The member's log (protocol.md §8): one file per member, UTC timestamps with
// microseconds, one event per line, written by a background thread so the event
// loop never waits on the disk.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <spdlog/logger.h>

#include "herd/common/escaped.hpp"
#include "herd/config/config.hpp"

namespace herd {

// Opens (appending) `<config.log_dir>/<member>.log`, creating the directory, with
// the config's rotation and log_level. Throws spdlog::spdlog_ex naming the path
// when it cannot.
std::shared_ptr<spdlog::logger> make_member_logger(const Config& config, const std::string& member);

// Has the log's writer thread close its file and open it anew at its path
// (SIGHUP, after logrotate renamed it).
void reopen_log_files(spdlog::logger& log);

// The spdlog level a config level names (LogLevel::off is spdlog's off).
spdlog::level::level_enum spdlog_level(LogLevel level);

// Logs "<kind> <who> <arrow> <line, escaped>" at `level` (the config's
// log_traffic_level), stamped `time`, as in "client 127.0.0.1:4242 < IAMAT ...":
// the protocol traffic, several lines per request. Returns before any work when
// `level` is off or below the logger's. Assembled directly rather than through a
// format string, and stamped with a time the caller already read (when its read
// completed) instead of a clock read per line.
void log_traffic(spdlog::logger& log, LogLevel level, spdlog::log_clock::time_point time,
                 std::string_view kind, std::string_view who, std::string_view arrow,
                 std::string_view line);

// Flushes and joins the logger's background thread; safe to call twice.
void shutdown_logging();

}  // namespace herd
