#include "herd/links/peers.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <exception>
#include <ranges>
#include <tuple>

#include "herd/common/host_port.hpp"
#include "herd/common/use_tuple.hpp"
#include "herd/links/link_socket.hpp"
#include "herd/links/peer_connection.hpp"
#include "herd/links/peer_tls.hpp"
#include "herd/log/logging.hpp"

namespace herd {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;

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

// An IPv4 peer of a dual-stack listener shows as ::ffff:a.b.c.d.
asio::ip::address unmapped(const asio::ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
  }
  return address;
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

Peers::Peers(LinkContext context)
    : context_(std::move(context)),
      jitter_(std::random_device{}()),
      refused_strangers_(context_.executor(), context_.log(),
                         "link refused: HELLOs from non-neighbours"),
      refused_plaintext_(context_.executor(), context_.log(),
                         "link refused: plaintext HELLOs while links require TLS"),
      refused_tls_(context_.executor(), context_.log(), "link refused: TLS connections") {
  const Config& config = context_.config();
  neighbour_members_ = config.neighbours(context_.self());
  for (std::size_t member : neighbour_members_) {
    const std::string& name = config.members[member].name;
    neighbours_.emplace_back(
        member, dials(context_.name(), name),
        LogThrottle(context_.executor(), context_.log(), "link " + name + ": HELLOs refused"));
  }
  // Blocking, but only while the member starts; its plaintext HELLOs are checked against these.
  if (config.peer_tls.mode == PeerTlsMode::off) resolve_neighbour_hosts();
}

Peers::~Peers() = default;

bool Peers::load_tls(std::string& error) {
  const PeerTlsConfig& config = context_.config().peer_tls;
  if (config.mode == PeerTlsMode::off) return true;
  tls_ = load_peer_tls(config, context_.name(), std::chrono::system_clock::now(), error);
  if (!tls_) return false;
  context_.log().info("links: mutual TLS 1.3 required; {}", tls_->description);
  if (!tls_->warning.empty()) context_.log().warn("links: {}", tls_->warning);
  return true;
}

void Peers::reload_tls() {
  if (!tls_) {
    context_.log().info(
        "SIGHUP: links are plaintext (peer_tls.mode off); no certificates to reload");
    return;
  }
  std::string error;
  auto loaded = load_peer_tls(context_.config().peer_tls, context_.name(),
                              std::chrono::system_clock::now(), error);
  if (!loaded) {
    context_.log().error("SIGHUP: kept the peer TLS files loaded before: {}", error);
    return;
  }
  // Links already up keep the contexts they were made with (LinkStream).
  tls_ = std::move(loaded);
  context_.log().info("SIGHUP: reloaded the peer TLS files for links made from now on: {}",
                      tls_->description);
  if (!tls_->warning.empty()) context_.log().warn("links: {}", tls_->warning);
}

void Peers::resolve_neighbour_hosts() {
  const Config& config = context_.config();
  tcp::resolver resolver(context_.executor());
  for (Neighbour& neighbour : neighbours_) {
    const MemberAddress& address = config.members[neighbour.member];
    boost::system::error_code error;
    const auto results = resolver.resolve(address.host, "", error);
    if (error) {
      context_.log().warn(
          "links: the host {} of {} does not resolve ({}); its HELLOs are refused "
          "until {} restarts",
          address.host, address.name, error.message(), context_.name());
      continue;
    }
    for (const auto& entry : results) {
      neighbour.addresses.push_back(unmapped(entry.endpoint().address()));
    }
  }
}

bool Peers::from_configured_host(const Neighbour& neighbour, LinkStream& stream) const {
  boost::system::error_code error;
  const auto endpoint = stream.socket().remote_endpoint(error);
  if (error) return false;
  const auto address = unmapped(endpoint.address());
  return std::find(neighbour.addresses.begin(), neighbour.addresses.end(), address) !=
         neighbour.addresses.end();
}

void Peers::start() {
  if (!tls_) {
    context_.log().warn(
        "links are not authenticated (peer_tls.mode off): a HELLO is taken from "
        "any process on a neighbour's configured host, since only addresses are "
        "checked; scripts/start_herd.sh starts the herd with mutual TLS");
  }
  for (Neighbour& neighbour : neighbours_) {
    if (!neighbour.we_dial) continue;
    neighbour.retry = std::make_unique<asio::steady_timer>(context_.executor());
    // Without its dialer this neighbour would never be dialled again.
    context_.supervisor().spawn(
        "link " + context_.member_name(neighbour.member) + ": dialer",
        [this, &neighbour] { return run_dialer(neighbour); }, OnFailure::restart);
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
                       context_.member_name(record.origin));
    }
    neighbour.live->send(line, ticket, record.origin);
    if (!sent_to.empty()) sent_to += ", ";
    sent_to += context_.member_name(neighbour.member);
  }
  if (sent_to.empty()) return 0;
  log_traffic(context_.log(), context_.config().log_traffic_level, now, "link", sent_to, ">", line);
  last_ticket_ = ticket;
  return ticket;
}

std::optional<SteadyTime> Peers::held_back_until(std::uint64_t ticket) const {
  const Config& config = context_.config();
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

void Peers::adopt(LinkStream stream, std::string_view member, LineBuffer buffered,
                  std::string_view from) {
  const auto index = context_.config().member_index(member);
  Neighbour* neighbour = index ? find(*index) : nullptr;
  const auto now = std::chrono::steady_clock::now();
  if (stopping_) {
    stream.close();
    return;
  }
  if (tls_ && !stream.is_tls()) {
    refused_plaintext_.note(now, [&] {
      return fmt::format(
          "link refused: plaintext HELLO from \"{}\" ({}): links to {} require "
          "TLS (peer_tls.mode required)",
          Escaped{member}, from, context_.name());
    });
    stream.close();
    return;
  }
  if (neighbour == nullptr) {
    refused_strangers_.note(now, [&] {
      return fmt::format("link refused: HELLO from \"{}\" ({}), which is not a neighbour of {}",
                         Escaped{member}, from, context_.name());
    });
    stream.close();
    return;
  }
  if (!stream.is_tls() && !from_configured_host(*neighbour, stream)) {
    neighbour->refused_hellos.note(now, [&] {
      return fmt::format(
          "link refused: HELLO from {} ({}), which is not an address of its "
          "configured host {} (links are plaintext: only addresses are checked)",
          member, from, context_.config().members[neighbour->member].host);
    });
    stream.close();
    return;
  }
  if (neighbour->we_dial) {
    // Only one side dials, so that a pair never ends up with two links.
    neighbour->refused_hellos.note(now, [&] {
      return fmt::format("link refused: HELLO from {} ({}), which {} dials itself", member, from,
                         context_.name());
    });
    stream.close();
    return;
  }
  if (neighbour->live && neighbour->live->is_alive()) {
    neighbour->refused_hellos.note(now, [&] {
      return fmt::format(
          "link {0}: conflict: HELLO from {1} while the link with {0} is alive; "
          "refused (is a second process running as {0}?)",
          member, from);
    });
    stream.close();
    return;
  }
  if (neighbour->live) {
    // The neighbour restarted before we read to the end of its old link.
    neighbour->live->close("closed by the neighbour, which has connected again");
  }
  auto connection = std::make_shared<PeerConnection>(context_, *this, neighbour->member,
                                                     PeerConnection::Role::accepted,
                                                     std::move(stream), std::move(buffered));
  // At once, so that a HELLO right behind this one finds it alive.
  neighbour->live = connection;
  // One broken link never takes the member down; the neighbour dials again.
  context_.supervisor().spawn(
      "link " + context_.member_name(neighbour->member),
      [this, neighbour, connection = std::move(connection)] {
        return run_link(*neighbour, connection);
      },
      OnFailure::log);
}

void Peers::adopt_tls(tcp::socket socket, std::string received, std::string_view from) {
  if (stopping_) {
    boost::system::error_code ignored;
    socket.close(ignored);
    return;
  }
  // Shared, as a supervised task is copyable; it runs once (never restarted).
  auto pending = std::make_shared<tcp::socket>(std::move(socket));
  context_.supervisor().spawn(
      "link handshake with " + std::string(from),
      [this, pending, received = std::move(received), from = std::string(from)] {
        return run_tls_acceptance(std::move(*pending), received, from);
      },
      OnFailure::log);
}

asio::awaitable<TlsHello> Peers::accept_within_deadline(LinkStream& stream,
                                                        asio::const_buffer received,
                                                        LineBuffer& lines) {
  const std::chrono::milliseconds limit = context_.config().peer_hello_timeout;
  asio::steady_timer deadline(context_.executor(), limit);
  auto outcome =
      co_await (accept_tls_hello(stream, received, lines) || deadline.async_wait(use_tuple));
  if (outcome.index() == 0) co_return std::get<0>(std::move(outcome));
  co_return TlsHello{"",
                     "no TLS handshake and HELLO within " + std::to_string(limit.count()) + " ms"};
}

asio::awaitable<void> Peers::run_tls_acceptance(tcp::socket socket, std::string received,
                                                std::string from) {
  LinkStream stream(std::move(socket), tls_->accepting);
  LineBuffer lines(context_.config().max_line_bytes);
  const TlsHello hello = co_await accept_within_deadline(stream, asio::buffer(received), lines);
  if (!hello.failure.empty()) {
    refused_tls_.note(std::chrono::steady_clock::now(), [&] {
      return fmt::format("link refused: TLS connection from {}: {}", from, Escaped{hello.failure});
    });
    stream.close();
    co_return;
  }
  adopt(std::move(stream), hello.member, std::move(lines), from);
}

void Peers::link_up(std::size_t member) {
  Neighbour* neighbour = find(member);
  if (neighbour == nullptr) return;
  if (const std::size_t failed = neighbour->failures.link_up(); failed > 0) {
    context_.log().info("link {}: reachable again after {} failed attempt{}",
                        context_.member_name(member), failed, failed == 1 ? "" : "s");
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
    context_.log().info("link {}: dropped ({})", context_.member_name(neighbour.member), reason);
  }
}

std::chrono::milliseconds Peers::jittered(std::chrono::milliseconds backoff) {
  // Between half and all of the back-off, so restarted members do not retry in step.
  const auto half = std::max<std::int64_t>(backoff.count() / 2, 1);
  std::uniform_int_distribution<std::int64_t> pick(half, std::max(half, backoff.count()));
  return std::chrono::milliseconds(pick(jitter_));
}

asio::awaitable<std::string> Peers::open_link(const Neighbour& neighbour, LinkStream& stream,
                                              DialOutcome& outcome) {
  const Config& config = context_.config();
  const MemberAddress& address = config.members[neighbour.member];
  const std::string where = address.host + ":" + std::to_string(address.port);
  tcp::resolver resolver(context_.executor());
  auto [resolve_error, endpoints] =
      co_await resolver.async_resolve(address.host, std::to_string(address.port), use_tuple);
  if (resolve_error) co_return "cannot resolve " + address.host + ": " + resolve_error.message();
  {
    asio::steady_timer deadline(context_.executor(), config.peer_hello_timeout);
    auto connected =
        co_await (connect_link(stream.socket(), endpoints) || deadline.async_wait(use_tuple));
    if (connected.index() == 1) co_return "cannot connect to " + where + " (connect timed out)";
    if (auto error = std::get<0>(connected); error) {
      co_return "cannot connect to " + where + " (" + error.message() + ")";
    }
  }
  if (!stream.is_tls() || stopping_) co_return "";
  asio::steady_timer deadline(context_.executor(), config.peer_hello_timeout);
  auto secured = co_await (dial_tls(stream, address.name) || deadline.async_wait(use_tuple));
  std::string why =
      secured.index() == 1
          ? "no handshake within " + std::to_string(config.peer_hello_timeout.count()) + " ms"
          : std::get<0>(std::move(secured));
  if (why.empty()) co_return "";
  outcome = DialOutcome::refused;
  co_return "refused by " + where + " at the TLS handshake (" + why + ")";
}

asio::awaitable<void> Peers::run_dialer(Neighbour& neighbour) {
  const Config& config = context_.config();
  const MemberAddress& address = config.members[neighbour.member];
  const std::string where = host_port(address.host, address.port);
  DialBackoff backoff(config.peer_backoff_initial, config.peer_backoff_cap);

  while (!stopping_) {
    // Made afresh each attempt: it holds the TLS contexts loaded last (SIGHUP).
    LinkStream stream = tls_ ? LinkStream(tcp::socket(context_.executor()), tls_->dialing)
                             : LinkStream(tcp::socket(context_.executor()));
    DialOutcome outcome = DialOutcome::unreachable;
    std::chrono::steady_clock::duration up_for{};
    std::string failure = co_await open_link(neighbour, stream, outcome);
    if (stopping_) break;

    if (failure.empty()) {
      stream.socket().set_option(tcp::no_delay(true));
      auto connection = std::make_shared<PeerConnection>(
          context_, *this, neighbour.member, PeerConnection::Role::dialed, std::move(stream),
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
      context_.log().info(
          "link {}: {}; {} attempt{} failed since the link was last up, retrying "
          "every {} ms at most",
          address.name, failure, failed, failed == 1 ? "" : "s", config.peer_backoff_cap.count());
    }
    neighbour.retry->expires_after(jittered(backoff.after(outcome, up_for)));
    co_await neighbour.retry->async_wait(use_tuple);
  }
}

}  // namespace herd
