#include "herd/logging.hpp"

#include <spdlog/async.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/spdlog.h>

namespace herd {

namespace {

// Queue slots of the background writer. A burst larger than this makes the
// event loop wait for the disk, which is better than losing log lines.
constexpr std::size_t log_queue_slots = 32768;

constexpr std::chrono::seconds log_flush_interval{1};  // spdlog 1.10 counts whole seconds

}  // namespace

std::shared_ptr<spdlog::logger> make_member_logger(const std::filesystem::path& log_dir,
                                                   const std::string& member) {
  std::error_code error;
  std::filesystem::create_directories(log_dir, error);
  if (error) {
    throw spdlog::spdlog_ex("cannot create log directory " + log_dir.string() + ": " +
                            error.message());
  }
  const auto path = log_dir / (member + ".log");
  auto sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(path.string(), false);
  if (!spdlog::thread_pool()) spdlog::init_thread_pool(log_queue_slots, 1);
  auto logger = std::make_shared<spdlog::async_logger>(
      member, std::move(sink), spdlog::thread_pool(), spdlog::async_overflow_policy::block);
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%fZ %^%l%$ %v", spdlog::pattern_time_type::utc);
  logger->set_level(spdlog::level::info);
  logger->flush_on(spdlog::level::warn);
  // `tail -f` should see a line within a second without paying a
  // write(2) per line; the periodic flusher works on registered loggers.
  spdlog::register_logger(logger);
  spdlog::flush_every(log_flush_interval);
  return logger;
}

void shutdown_logging() { spdlog::shutdown(); }

}  // namespace herd
