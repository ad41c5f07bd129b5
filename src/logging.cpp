#include "herd/logging.hpp"

#include <spdlog/spdlog.h>

#include "herd/batching_file_sink.hpp"
#include "herd/log_line_formatter.hpp"

namespace herd {

std::shared_ptr<spdlog::logger> make_member_logger(const std::filesystem::path& log_dir,
                                                   const std::string& member) {
  std::error_code error;
  std::filesystem::create_directories(log_dir, error);
  if (error) {
    throw spdlog::spdlog_ex("cannot create log directory " + log_dir.string() + ": " +
                            error.message());
  }
  // Formatting happens on the event loop (a few hundred nanoseconds, no
  // allocation); the disk is the sink's writer thread's business.
  auto sink = std::make_shared<BatchingFileSink>(log_dir / (member + ".log"));
  auto logger = std::make_shared<spdlog::logger>(member, std::move(sink));
  logger->set_formatter(std::make_unique<LogLineFormatter>());
  logger->set_level(spdlog::level::info);
  spdlog::register_logger(logger);
  return logger;
}

void shutdown_logging() { spdlog::shutdown(); }

}  // namespace herd
