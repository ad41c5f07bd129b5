#include "herd/log/logging.hpp"

#include <spdlog/spdlog.h>

#include "herd/log/batching_file_sink.hpp"
#include "herd/log/log_line_formatter.hpp"

namespace herd {

std::shared_ptr<spdlog::logger> make_member_logger(const Config& config,
                                                   const std::string& member) {
  const std::filesystem::path& log_dir = config.log_dir;
  std::error_code error;
  std::filesystem::create_directories(log_dir, error);
  if (error) {
    throw spdlog::spdlog_ex("cannot create log directory " + log_dir.string() + ": " +
                            error.message());
  }
  // Formatting happens on the event loop (a few hundred nanoseconds, no
  // allocation); the disk is the sink's writer thread's business.
  auto sink = std::make_shared<BatchingFileSink>(
      log_dir / (member + ".log"),
      LogFile::Rotation{.max_file_bytes = config.log_max_file_bytes,
                        .rotated_files = config.log_rotated_files},
      BatchingFileSink::Limits{});
  auto logger = std::make_shared<spdlog::logger>(member, std::move(sink));
  logger->set_formatter(std::make_unique<LogLineFormatter>());
  logger->set_level(spdlog_level(config.log_level));
  spdlog::register_logger(logger);
  return logger;
}

void reopen_log_files(spdlog::logger& log) {
  for (const auto& sink : log.sinks()) {
    if (auto file_sink = std::dynamic_pointer_cast<BatchingFileSink>(sink)) file_sink->reopen();
  }
}

spdlog::level::level_enum spdlog_level(LogLevel level) {
  switch (level) {
    case LogLevel::debug: return spdlog::level::debug;
    case LogLevel::info: return spdlog::level::info;
    case LogLevel::warn: return spdlog::level::warn;
    case LogLevel::error: return spdlog::level::err;
    case LogLevel::off: break;
  }
  return spdlog::level::off;
}

void log_traffic(spdlog::logger& log, LogLevel level, spdlog::log_clock::time_point time,
                 std::string_view kind, std::string_view who, std::string_view arrow,
                 std::string_view line) {
  // spdlog would log a message at "off" (its threshold test is >=), so off is
  // checked here; turned down, a line costs nothing but these two tests.
  if (level == LogLevel::off || !log.should_log(spdlog_level(level))) return;
  // One buffer per thread, reused: no allocation per line once it has grown.
  thread_local spdlog::memory_buf_t message;
  message.clear();
  const auto put = [](std::string_view piece) {
    message.append(piece.data(), piece.data() + piece.size());
  };
  put(kind);
  put(" ");
  put(who);
  put(" ");
  put(arrow);
  put(" ");
  for_each_escaped_piece(line, put);
  log.log(time, spdlog::source_loc{}, spdlog_level(level),
          spdlog::string_view_t(message.data(), message.size()));
}

void shutdown_logging() { spdlog::shutdown(); }

}  // namespace herd
