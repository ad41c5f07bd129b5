#include "herd/peers.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <ranges>
#include <tuple>

#include "herd/link_socket.hpp"
#include "herd/logging.hpp"
#include "herd/member_state.hpp"
#include "herd/peer_connection.hpp"

namespace herd {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

namespace {

// Flow control (flow_control.hpp): past this much unsent, a link holds back
// the clients whose window it still queues. Small, because everything
// queued along the herd is latency for the next update (see link_socket.hpp for
// the kernel's share); still a hundred lines per write.
constexpr std::size_t backlog_high_bytes = 8 * 1024;

// Tries each address in turn, as asio::async_connect does, but prepares the
// socket for a link between opening and connecting it.
asio::awaitable<boost::system::error_code> connect_link(
    tcp::socket& socket, const tcp::resolver::results_type& endpoints) {
  boost::system::error_code error = asio::error::host_not_found;
  for (const auto& entry : endpoints) {
    boost::system::error_code ignored;
    socket.close(ignored);
    socket.open(entry.endpoint().protocol(), error);
    if (error) continue;
    prepare_link_to_dial(socket);
    std::tie(error) = co_await socket.async_connect(entry.endpoint(), use_tuple);
    if (!error) break;
  }
  co_return error;
}

}  // namespace

bool dials(std::string_view self, std::string_view neighbour) { return self < neighbour; }

std::vector<std::size_t> flood_targets(const std::vector<std::size_t>& neighbours,
                                       std::optional<std::size_t> from) {
  std::vector<std::size_t> targets;
  for (std::size_t member : neighbours) {
    if (member != from) targets.push_back(member);
  }
  return targets;
}

Peers::Peers(MemberState& state)
    : state_(state),
      jitter_(std::random_device{}()),
      refused_strangers_(state.executor(), state.log(), "link refused: HELLOs from non-neighbours") {
  const Config& config = state_.config();
  neighbour_members_ = config.neighbours(state_.self());
  for (std::size_t member : neighbour_members_) {
    const std::string& name = config.members[member].name;
    neighbours_.emplace_back(
        member, dials(state_.name(), name),
        LogThrottle(state_.executor(), state_.log(), "link " + name + ": HELLOs refused"));
  }
}

Peers::~Peers() = default;

void Peers::start() {
  for (Neighbour& neighbour : neighbours_) {
    if (!neighbour.we_dial) continue;
    neighbour.retry = std::make_unique<asio::steady_timer>(state_.executor());
    // Without its dialer this neighbour would never be dialled again.
    state_.supervisor().spawn("link " + state_.member_name(neighbour.member) + ": dialer",
                              [this, &neighbour] { return run_dialer(neighbour); },
                              OnFailure::restart);
  }
}

void Peers::stop() {
  stopping_ = true;
  for (Neighbour& neighbour : neighbours_) {
    if (neighbour.retry) neighbour.retry->cancel();
    if (neighbour.live) neighbour.live->finish();
  }
}

std::size_t Peers::connection_count() const {
  std::size_t count = 0;
  for (const Neighbour& neighbour : neighbours_) count += neighbour.live != nullptr;
  return count;
}

Peers::Neighbour* Peers::find(std::size_t member) {
  for (Neighbour& neighbour : neighbours_) {
    if (neighbour.member == member) return &neighbour;
  }
  return nullptr;
}

std::uint64_t Peers::flood(const RecordView& record, std::optional<std::size_t> from,
                           std::chrono::system_clock::time_point now) {
  const std::uint64_t ticket = last_ticket_ + 1;
  std::string line;
  std::string sent_to;  // "Hands, Wilkes": one log line for the one line sent to several
  for (std::size_t member : flood_targets(neighbour_members_, from)) {
    Neighbour& neighbour = *find(member);
    if (!neighbour.live || !neighbour.live->is_up()) continue;
    if (line.empty()) {
      append_echo_line(line, record.client, record.location, record.time, record.receive_time,
                       state_.member_name(record.origin));
    }
    neighbour.live->send(line, ticket, record.origin);
    if (!sent_to.empty()) sent_to += ", ";
    sent_to += state_.member_name(neighbour.member);
  }
  if (sent_to.empty()) return 0;
  log_traffic(state_.log(), state_.config().log_traffic_level, now, "link", sent_to, ">", line);
  last_ticket_ = ticket;
  return ticket;
}

std::optional<SteadyTime> Peers::held_back_until(std::uint64_t ticket) const {
  const Config& config = state_.config();
  const FlowLimits limits{backlog_high_bytes, config.peer_queue_limit_bytes / 4,
                          config.peer_stall_limit};
  auto links = neighbours_ | std::views::filter([](const Neighbour& neighbour) {
                 return neighbour.live && neighbour.live->is_up();
               }) |
               std::views::transform([ticket](const Neighbour& neighbour) {
                 const PeerConnection& link = *neighbour.live;
                 return LinkBacklog{link.backlog_bytes(), link.holds_unwritten(ticket),
                                    link.last_progress()};
               });
  const auto until = herd::held_back_until(links, limits);
  // Every client read asks, so the clock is read only when a link would hold
  // this client back.
  if (!until || *until <= std::chrono::steady_clock::now()) return std::nullopt;
  return until;
}

asio::awaitable<void> Peers::wait_for_room(SteadyTime until) {
  // `until` is when the links that hold the caller back stall; before that,
  // only a write or a close changes anything.
  co_await links_changed_.wait_until(until);
}

void Peers::backlog_changed() {
  // Every write may have let some waiters' updates out; they check for
  // themselves, since each waits for its own.
  links_changed_.notify_all();
}

asio::awaitable<void> Peers::wait_for_links_to_close(SteadyTime deadline) {
  bool notified = true;  // no co_await in a condition (Server::wait_for_sessions_to_end)
  while (notified && connection_count() > 0) {
    notified = co_await links_changed_.wait_until(deadline);
  }
}

void Peers::adopt(tcp::socket socket, std::string_view member, LineBuffer buffered,
                  std::string_view from) {
  const auto index = state_.config().member_index(member);
  Neighbour* neighbour = index ? find(*index) : nullptr;
  const auto now = std::chrono::steady_clock::now();
  boost::system::error_code ignored;
  if (stopping_) {
    socket.close(ignored);
    return;
  }
  if (neighbour == nullptr) {
    refused_strangers_.note(now, [&] {
      return fmt::format("link refused: HELLO from \"{}\" ({}), which is not a neighbour of {}",
                         Escaped{member}, from, state_.name());
    });
    socket.close(ignored);
    return;
  }
  if (neighbour->we_dial) {
    // Only one side dials, so that a pair never ends up with two links.
    neighbour->refused_hellos.note(now, [&] {
      return fmt::format("link refused: HELLO from {} ({}), which {} dials itself", member, from,
                         state_.name());
    });
    socket.close(ignored);
    return;
  }
  if (neighbour->live && neighbour->live->is_alive()) {
    neighbour->refused_hellos.note(now, [&] {
      return fmt::format("link {0}: conflict: HELLO from {1} while the link with {0} is alive; "
                         "refused (is a second process running as {0}?)",
                         member, from);
    });
    socket.close(ignored);
    return;
  }
  if (neighbour->live) {
    // The neighbour restarted before we read to the end of its old link.
    neighbour->live->close("closed by the neighbour, which has connected again");
  }
  auto connection = std::make_shared<PeerConnection>(
      state_, neighbour->member, PeerConnection::Role::accepted, std::move(socket),
      std::move(buffered));
  // At once, so that a HELLO right behind this one finds it alive.
  neighbour->live = connection;
  // One broken link never takes the member down; the neighbour dials again.
  state_.supervisor().spawn("link " + state_.member_name(neighbour->member),
                            [this, neighbour, connection = std::move(connection)] {
                              return run_link(*neighbour, connection);
                            },
                            OnFailure::log);
}

void Peers::link_up(std::size_t member) {
  Neighbour* neighbour = find(member);
  if (neighbour == nullptr) return;
  if (const std::size_t failed = neighbour->failures.link_up(); failed > 0) {
    state_.log().info("link {}: reachable again after {} failed attempt{}",
                      state_.member_name(member), failed, failed == 1 ? "" : "s");
  }
}

asio::awaitable<void> Peers::run_link(Neighbour& neighbour,
                                      std::shared_ptr<PeerConnection> connection) {
  std::string reason;
  std::exception_ptr failure;
  try {
    reason = co_await connection->run();
  } catch (...) {
    // The link is closed all the same (PeerConnection::run): forgotten too,
    // flooding and shutdown stop counting on it and the dialer dials again.
    // The failure is the supervisor's to log.
    failure = std::current_exception();
  }
  if (neighbour.live == connection) neighbour.live = nullptr;
  // A forgotten link holds nobody back, and shutdown waits for it no more.
  backlog_changed();
  if (failure) std::rethrow_exception(failure);
  // One that never came up was refused; its dialer reports that.
  if (connection->is_up()) {
    state_.log().info("link {}: dropped ({})", state_.member_name(neighbour.member), reason);
  }
}

std::chrono::milliseconds Peers::jittered(std::chrono::milliseconds backoff) {
  // Between half and all of the back-off, so restarted members do not retry in step.
  const auto half = std::max<std::int64_t>(backoff.count() / 2, 1);
  std::uniform_int_distribution<std::int64_t> pick(half, std::max(half, backoff.count()));
  return std::chrono::milliseconds(pick(jitter_));
}

asio::awaitable<void> Peers::run_dialer(Neighbour& neighbour) {
  const Config& config = state_.config();
  const MemberAddress& address = config.members[neighbour.member];
  const std::string where = address.host + ":" + std::to_string(address.port);
  DialBackoff backoff(config.peer_backoff_initial, config.peer_backoff_cap);
  tcp::resolver resolver(state_.executor());

  while (!stopping_) {
    tcp::socket socket(state_.executor());
    DialOutcome outcome = DialOutcome::unreachable;
    std::chrono::steady_clock::duration up_for{};
    std::string failure;
    auto [resolve_error, endpoints] =
        co_await resolver.async_resolve(address.host, std::to_string(address.port), use_tuple);
    if (resolve_error) {
      failure = "cannot resolve " + address.host + ": " + resolve_error.message();
    } else {
      asio::steady_timer deadline(state_.executor(), config.peer_hello_timeout);
      auto connected =
          co_await (connect_link(socket, endpoints) || deadline.async_wait(use_tuple));
      if (connected.index() == 1) {
        failure = "cannot connect to " + where + " (connect timed out)";
      } else if (auto error = std::get<0>(connected); error) {
        failure = "cannot connect to " + where + " (" + error.message() + ")";
      }
    }
    if (stopping_) break;

    if (failure.empty()) {
      socket.set_option(tcp::no_delay(true));
      auto connection = std::make_shared<PeerConnection>(
          state_, neighbour.member, PeerConnection::Role::dialed, std::move(socket),
          LineBuffer(config.peer_max_line_bytes()));
      neighbour.live = connection;
      co_await run_link(neighbour, connection);
      if (connection->is_up()) {
        outcome = DialOutcome::dropped;
        up_for = std::chrono::steady_clock::now() - connection->up_since();
      } else {
        outcome = DialOutcome::refused;
        failure = "refused by " + where + " before the HELLO exchange (" +
                  connection->close_reason() + ")";
      }
    }
    if (stopping_) break;
    if (outcome != DialOutcome::dropped &&
        neighbour.failures.admit(failure, std::chrono::steady_clock::now())) {
      const std::size_t failed = neighbour.failures.failures();
      state_.log().info("link {}: {}; {} attempt{} failed since the link was last up, retrying "
                        "every {} ms at most",
                        address.name, failure, failed, failed == 1 ? "" : "s",
                        config.peer_backoff_cap.count());
    }
    neighbour.retry->expires_after(jittered(backoff.after(outcome, up_for)));
    co_await neighbour.retry->async_wait(use_tuple);
  }
}

}  // namespace herd
