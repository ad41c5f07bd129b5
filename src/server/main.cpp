// herd_server <member> [options]: one member of the herd (protocol.md §9).
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <cstdio>
#include <iostream>

#include <spdlog/spdlog.h>

#include "herd/common/host_port.hpp"
#include "herd/common/supervised.hpp"
#include "herd/common/use_tuple.hpp"
#include "herd/config/command_line.hpp"
#include "herd/config/config.hpp"
#include "herd/log/logging.hpp"
#include "herd/places/places.hpp"
#include "herd/server/member_state.hpp"
#include "herd/server/server.hpp"

namespace {

namespace asio = boost::asio;

constexpr int exit_usage = 2;
constexpr int exit_startup = 1;
constexpr int exit_task_failed = 3;  // a task the member cannot go on without failed

// protocol.md §9: stop accepting, let sessions and links finish what they owe (bounded
// by the shutdown grace), then stop the loop.
asio::awaitable<void> shut_down(asio::io_context& io, herd::MemberState& state,
                                herd::Server& server, int signal) {
  state.log().info("{} received signal {}: shutting down", state.name(), signal);
  server.shutdown();
  state.peers().stop();
  const auto deadline = std::chrono::steady_clock::now() + state.config().shutdown_grace;
  co_await server.wait_for_sessions_to_end(deadline);
  co_await state.peers().wait_for_links_to_close(deadline);
  if (const std::size_t busy = server.session_count() + state.peers().connection_count()) {
    state.log().warn("{} sessions or links still busy after the shutdown grace; closing them",
                     busy);
  }
  io.stop();
}

// SIGHUP, as logrotate sends after renaming the log: the log's writer thread
// closes the file and opens its path anew. The peer TLS files are read again
// too, for links made from then on (certificates expire). Waits again after
// each one.
void on_sighup(asio::signal_set& hangups, herd::MemberState& state) {
  hangups.async_wait([&hangups, &state](const boost::system::error_code& error, int) {
    if (error) return;  // cancelled: the member is stopping
    state.log().info("{} received SIGHUP: reopening the log", state.name());
    herd::reopen_log_files(state.log());
    state.peers().reload_tls();
    on_sighup(hangups, state);
  });
}

int run_member(const herd::CommandLine& command_line) {
  const herd::Config& config = command_line.config;
  const std::size_t self = *config.member_index(command_line.member);
  const herd::MemberAddress& address = config.members[self];

  boost::asio::io_context io(1);
  std::string error;
  // Bind first: a port in use must stop us before anything else starts.
  auto listener = herd::open_listener(io.get_executor(), address.host, address.port, error);
  if (!listener) {
    std::cerr << "herd_server " << address.name << ": " << error << "\n";
    return exit_startup;
  }
  std::shared_ptr<spdlog::logger> log;
  try {
    log = herd::make_member_logger(config, address.name);
  } catch (const std::exception& failure) {
    std::cerr << "herd_server " << address.name << ": " << failure.what() << "\n";
    return exit_startup;
  }
  auto places = herd::make_places_backend(config.places, io.get_executor(), *log, error);
  if (!places) {
    std::cerr << "herd_server " << address.name << ": " << error << "\n";
    return exit_startup;
  }
  log->info("{} starting (herd {}): listening on {}, Places backend {}, log {}", address.name,
            HERD_VERSION, herd::host_port(address.host, listener->local_endpoint().port()),
            places->name(), (config.log_dir / (address.name + ".log")).string());

  int exit_status = 0;
  {
    // Declared after `io`, so destroyed before it: nothing pending still runs then.
    herd::MemberState state(io, config, self, log, std::move(places));
    // Before any link: bad peer TLS files stop the member now, not at its first link.
    if (!state.peers().load_tls(error)) {
      std::cerr << "herd_server " << address.name << ": " << error << "\n";
      state.log().error("{} not started: {}", address.name, error);
      herd::shutdown_logging();
      return exit_startup;
    }
    herd::Server server(state, std::move(*listener));
    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& wait_error, int signal) {
      // A failed shutdown still ends the member, with a non-zero exit.
      if (!wait_error) {
        state.supervisor().spawn(
            "shutdown", [&, signal] { return shut_down(io, state, server, signal); },
            herd::OnFailure::stop_member);
      }
    });
    boost::asio::signal_set hangups(io, SIGHUP);
    on_sighup(hangups, state);
    std::signal(SIGPIPE, SIG_IGN);
    // A file size limit (ulimit -f) must not kill the member: its log counts
    // the lines it could not write instead.
    std::signal(SIGXFSZ, SIG_IGN);
    server.start();
    state.peers().start();
    try {
      io.run();
    } catch (...) {
      // A plain completion handler failed, outside every supervised task:
      // nothing can restart it.
      state.log().critical("event loop failed ({}); stopping",
                           herd::Escaped{herd::describe_failure(std::current_exception())});
      exit_status = exit_task_failed;
    }
    if (state.supervisor().member_failed()) exit_status = exit_task_failed;
    if (exit_status != 0) {
      state.log().critical("{} stopped after a failure (exit status {})", address.name,
                           exit_status);
      std::cerr << "herd_server " << address.name << ": stopped after a failure; see "
                << (config.log_dir / (address.name + ".log")).string() << "\n";
    } else {
      state.log().info("{} stopped", address.name);
    }
  }
  herd::shutdown_logging();
  return exit_status;
}

}  // namespace

int main(int argc, char** argv) {
  std::string error;
  const auto command_line = herd::parse_command_line(argc, argv, error);
  if (!command_line) {
    std::cerr << "herd_server: " << error << "\n"
              << "Try 'herd_server --help'.\n";
    return exit_usage;
  }
  if (command_line->show_help) {
    std::cout << herd::usage_text();
    return 0;
  }
  if (command_line->show_version) {
    std::cout << "herd_server " << HERD_VERSION << "\n";
    return 0;
  }
  return run_member(*command_line);
}
