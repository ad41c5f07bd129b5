#include "herd/logging.hpp"

#include <spdlog/spdlog.h>

#include <cstdint>
#include <cstring>

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

std::size_t next_to_escape(std::string_view text, std::size_t from) {
  // Bit tricks on 64-bit words: a word has a zero byte when (w - 0x01..)
  // borrows into a byte's top bit that w itself lacks, and a byte below 0x20
  // when (w - 0x20..) does. XOR turns "equals 0x7f" into "is zero".
  constexpr std::uint64_t ones = 0x0101010101010101;
  constexpr std::uint64_t tops = 0x8080808080808080;
  const auto below = [&](std::uint64_t word, std::uint64_t limit) {
    return ((word - ones * limit) & ~word & tops) != 0;
  };
  std::size_t i = from;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, text.data() + i, sizeof word);
    if (below(word, 0x20) || below(word ^ (ones * 0x7f), 1) || below(word ^ (ones * '\\'), 1)) {
      break;
    }
  }
  for (; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x20 || byte == 0x7f || byte == '\\') return i;
  }
  return i;
}

void log_traffic(spdlog::logger& log, spdlog::log_clock::time_point time, std::string_view kind,
                 std::string_view who, std::string_view arrow, std::string_view line) {
  if (!log.should_log(spdlog::level::info)) return;
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
  log.log(time, spdlog::source_loc{}, spdlog::level::info,
          spdlog::string_view_t(message.data(), message.size()));
}

void shutdown_logging() { spdlog::shutdown(); }

}  // namespace herd
