// fake_places_server: the fake Places server as a process, for scripts and
// benchmarks that start a herd pointed at it. Prints
//   port <N>
//   ca <path of the throwaway CA certificate>
// then serves until SIGINT or SIGTERM (which also removes the CA's directory).
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <charconv>
#include <csignal>
#include <cstring>
#include <iostream>
#include <string_view>

#include "fake_places.hpp"

namespace {

constexpr std::string_view usage =
    "usage: fake_places_server [--port N] [--delay-ms N]\n"
    "  --port N      listen on 127.0.0.1:N (default: a free port)\n"
    "  --delay-ms N  wait N ms before each answer (default: 0)\n";

bool parse_number(std::string_view text, unsigned long& value) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc{} && end == text.data() + text.size();
}

}  // namespace

int main(int argc, char** argv) {
  unsigned long port = 0;
  unsigned long delay_ms = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "--help") {
      std::cout << usage;
      return 0;
    }
    const bool known = flag == "--port" || flag == "--delay-ms";
    unsigned long& value = flag == "--port" ? port : delay_ms;
    if (!known || i + 1 == argc || !parse_number(argv[i + 1], value) ||
        (flag == "--port" && port > 65535)) {
      std::cerr << "fake_places_server: bad argument '" << flag << "'\n" << usage;
      return 2;
    }
    ++i;
  }

  herd::test::FakePlacesServer server(static_cast<std::uint16_t>(port));
  server.set_delay(std::chrono::milliseconds(delay_ms));
  std::cout << "port " << server.port() << "\nca " << server.ca_file().string() << std::endl;

  boost::asio::io_context io;
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([](const boost::system::error_code&, int) {});
  io.run();
  return 0;
}
