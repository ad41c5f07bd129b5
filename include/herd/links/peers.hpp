// Links between members and flooding (protocol.md §5).
//
// One TCP link per neighbour pair. To make it exactly one even when both sides
// start at once, the member whose name sorts first dials and the other accepts;
// the dialer retries with a capped, jittered back-off while the neighbour is down
// or refuses it (DialBackoff). A link opens with "HELLO <member>" from each side,
// then both send their whole table as ECHO lines (catch-up), then every applied
// update is flooded to every neighbour but the one it came from.
//
// Two processes claiming one member (an operator's mistake, or a client saying
// HELLO) must not take each other's links: a HELLO from a neighbour whose link
// is alive is a conflict, logged and refused by closing the connection, which
// is sent nothing and whose lines are not read. A restarted neighbour still
// takes over at once, because its old link is dead: "alive" means we have not
// closed it and the kernel still holds it open both ways (link_still_open),
// which a FIN or reset from the old process ends at once, even before we read
// that far, and which keepalive ends within seconds for a vanished host.
//
// Authentication (protocol.md §10): with peer_tls.mode required, links are mutual
// TLS (peer_tls.hpp) and a plaintext HELLO is refused; with it off, a HELLO
// is taken only from an address of the neighbour's configured host, and the
// member warns once that its links are not authenticated. Either way the
// link protocol inside is the same (PeerConnection on a LinkStream).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "herd/common/wake_signal.hpp"
#include "herd/links/dial_backoff.hpp"
#include "herd/links/flow_control.hpp"
#include "herd/links/link_context.hpp"
#include "herd/links/link_stream.hpp"
#include "herd/links/peer_tls.hpp"
#include "herd/log/log_throttle.hpp"
#include "herd/protocol/line_buffer.hpp"
#include "herd/table/table.hpp"

namespace herd {

class PeerConnection;

// Who dials whom, and who gets a flooded update: pure functions of the topology.
bool dials(std::string_view self, std::string_view neighbour);
// Neighbours of `self` that an update arriving from `from` (nullopt: from a
// client) is forwarded to.
std::vector<std::size_t> flood_targets(const std::vector<std::size_t>& neighbours,
                                       std::optional<std::size_t> from);

class Peers {
 public:
  // With peer_tls.mode off, resolves the neighbours' hosts (blocking: the
  // member is starting), for the address check of their plaintext HELLOs.
  explicit Peers(LinkContext context);
  ~Peers();
  Peers(const Peers&) = delete;
  Peers& operator=(const Peers&) = delete;

  // With peer_tls.mode required: reads and checks the peer TLS files, before
  // start(). False, with a message naming the field and the file, when they
  // will not do. True at once with TLS off.
  bool load_tls(std::string& error);
  // SIGHUP: reads the peer TLS files again for links made from now on, or
  // keeps the ones loaded before if the new ones will not do; logs which.
  void reload_tls();

  // Starts dialing the neighbours this member dials. With TLS off, warns
  // that links are not authenticated.
  void start();
  // Closes every link and stops retrying.
  void stop();

  // An incoming connection from `from` (its address, for the log) whose first
  // line was "HELLO <member>". Refused (and closed) unless <member> is a
  // neighbour that dials us and whose link, if any, is dead, and the stream
  // is authenticated as protocol.md §10 asks (TLS naming <member>, or plaintext from
  // its host while TLS is off).
  void adopt(LinkStream stream, std::string_view member, LineBuffer buffered,
             std::string_view from);
  // Whether links use TLS (peer_tls.mode required, load_tls done): only then
  // is a connection that starts with a TLS record a neighbour's link.
  bool links_use_tls() const { return tls_.has_value(); }
  // An incoming connection whose first bytes (`received`) are a TLS record,
  // while links_use_tls(): a neighbour's handshake. It and the HELLO inside
  // it must come within peer_hello_timeout.
  void adopt_tls(boost::asio::ip::tcp::socket socket, std::string received, std::string_view from);
  // The link to `member` came up (HELLO both ways).
  void link_up(std::size_t member);

  // Sends `record` as ECHO to every live neighbour link except `from`, logged
  // as of `now` (the time of the read that brought it). Returns the flood's
  // ticket (they increase; see held_back_until), or 0 when there was no link to
  // send it to.
  std::uint64_t flood(const RecordView& record, std::optional<std::size_t> from,
                      std::chrono::system_clock::time_point now);

  // Links open or still draining (shutdown waits for none).
  std::size_t connection_count() const;

  // Flow control (flow_control.hpp) over the links that are up: nullopt when
  // a client may take its next command, else the time it waits until at the
  // latest. A client's window is its last ClientSession::flood_window floods:
  // `ticket` is the oldest of them (0 if it has had fewer). The marks are a
  // backlog of 8 KiB for a client's window and a quarter of
  // peer_queue_limit_bytes for everyone; a link stalls after peer_stall_limit.
  std::optional<SteadyTime> held_back_until(std::uint64_t ticket) const;
  // Returns when a link has written or closed, or at `until`: callers ask
  // held_back_until() again.
  boost::asio::awaitable<void> wait_for_room(SteadyTime until);
  // A link wrote or closed: wakes the waiters.
  void backlog_changed();
  // Shutdown: returns once no link is open or draining, or at `deadline`.
  boost::asio::awaitable<void> wait_for_links_to_close(SteadyTime deadline);

 private:
  struct Neighbour {
    Neighbour(std::size_t member, bool we_dial, LogThrottle refused_hellos)
        : member(member), we_dial(we_dial), refused_hellos(std::move(refused_hellos)) {}

    std::size_t member = 0;
    bool we_dial = false;
    std::shared_ptr<PeerConnection> live;
    std::unique_ptr<boost::asio::steady_timer> retry;  // dialers only
    DialFailureLog failures;                           // dialers only
    LogThrottle refused_hellos;                        // its HELLOs we refused
    // Addresses of its configured host: where its plaintext HELLOs may come from.
    std::vector<boost::asio::ip::address> addresses;
  };

  boost::asio::awaitable<void> run_dialer(Neighbour& neighbour);
  // Resolves, connects `stream` and, with TLS, makes the handshake and checks
  // the neighbour's name, each bounded by peer_hello_timeout. "" or why not;
  // a refused handshake makes `outcome` refused.
  boost::asio::awaitable<std::string> open_link(const Neighbour& neighbour, LinkStream& stream,
                                                DialOutcome& outcome);
  // The TLS handshake and HELLO of a neighbour dialing us, within peer_hello_timeout.
  boost::asio::awaitable<TlsHello> accept_within_deadline(LinkStream& stream,
                                                          boost::asio::const_buffer received,
                                                          LineBuffer& lines);
  boost::asio::awaitable<void> run_tls_acceptance(boost::asio::ip::tcp::socket socket,
                                                  std::string received, std::string from);
  // Whether a plaintext HELLO claiming `neighbour` may be taken from `stream`.
  bool from_configured_host(const Neighbour& neighbour, LinkStream& stream) const;
  void resolve_neighbour_hosts();
  boost::asio::awaitable<void> run_link(Neighbour& neighbour,
                                        std::shared_ptr<PeerConnection> connection);
  std::chrono::milliseconds jittered(std::chrono::milliseconds backoff);
  Neighbour* find(std::size_t member);

  LinkContext context_;
  std::vector<Neighbour> neighbours_;
  std::vector<std::size_t> neighbour_members_;  // the same, as member indices
  std::minstd_rand jitter_;
  LogThrottle refused_strangers_;       // HELLOs naming no neighbour
  LogThrottle refused_plaintext_;       // plaintext HELLOs while links require TLS
  LogThrottle refused_tls_;             // TLS connections refused at the handshake or HELLO
  std::optional<PeerTlsContexts> tls_;  // loaded when links require TLS
  std::uint64_t last_ticket_ = 0;
  WakeSignal links_changed_;  // a link wrote, closed or was forgotten
  bool stopping_ = false;
};

}  // namespace herd
