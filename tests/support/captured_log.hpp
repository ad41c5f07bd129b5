// A logger whose lines a test can read back, to check what is (and is not) logged.
#pragma once

#include <memory>
#include <sstream>
#include <string>

#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>

namespace herd::test {

class CapturedLog {
 public:
  CapturedLog() : logger_("test", std::make_shared<spdlog::sinks::ostream_sink_st>(text_, true)) {
    logger_.set_level(spdlog::level::trace);
  }

  spdlog::logger& logger() { return logger_; }
  std::string text() const { return text_.str(); }

 private:
  std::ostringstream text_;
  spdlog::logger logger_;
};

}  // namespace herd::test
