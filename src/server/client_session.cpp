#include "herd/server/client_session.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <utility>

#include "herd/common/host_port.hpp"
#include "herd/common/use_tuple.hpp"
#include "herd/links/link_stream.hpp"
#include "herd/links/peer_tls.hpp"
#include "herd/links/peers.hpp"
#include "herd/log/logging.hpp"
#include "herd/places/places.hpp"
#include "herd/server/member_state.hpp"
#include "herd/table/client_prefetch.hpp"

namespace herd {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;

namespace {

std::string endpoint_text(const asio::ip::tcp::socket& socket) {
  boost::system::error_code error;
  const auto endpoint = socket.remote_endpoint(error);
  if (error) return "unknown";
  return host_port(endpoint.address().to_string(), endpoint.port());
}

// Replies waiting for a client that does not read them: past this much, its
// commands wait too.
constexpr std::size_t unread_replies_limit = 1 << 20;

// A connection with no command for this long gives up its read buffer.
constexpr auto park_after = std::chrono::seconds(1);

// The reply text without its final newline, as logged.
std::string_view without_last_newline(std::string_view text) {
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  return text;
}

}  // namespace

ClientSession::ClientSession(MemberState& state, asio::ip::tcp::socket socket)
    : state_(state),
      socket_(std::move(socket)),
      peer_(endpoint_text(socket_)),
      lines_(state_.config().max_line_bytes) {}

asio::awaitable<void> ClientSession::run() {
  auto self = shared_from_this();
  idle_deadline_ = std::chrono::steady_clock::now() + state_.config().client_idle_timeout;
  boost::system::error_code ignored;
  // Replies are written straight from the handlers; a full socket must say so
  // rather than block the loop.
  socket_.non_blocking(true, ignored);
  co_await read_loop();
  if (phase_ == Phase::handing_off_tls) {
    socket_.non_blocking(false, ignored);  // as the peer link expects a socket
    state_.peers().adopt_tls(std::move(socket_), std::string(lines_.unread()), peer_);
    co_return;
  }
  if (phase_ == Phase::handing_off) {
    socket_.non_blocking(false, ignored);  // as the peer link expects a socket
    state_.peers().adopt(LinkStream(std::move(socket_)), hello_from_, std::move(lines_), peer_);
    co_return;
  }
  co_await finish_owed_replies();
  socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  socket_.close(ignored);
  state_.log().info("client {}: closed", peer_);
}

void ClientSession::stop_reading() {
  if (!takes_commands()) return;
  phase_ = Phase::closing;
  // Wakes the pending wait with end-of-stream (or a read loop waiting for its
  // client to read); replies already owed still go out.
  boost::system::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_receive, ignored);
  progress_.notify_all();
}

void ClientSession::check_idle(std::chrono::steady_clock::time_point now) {
  if (!takes_commands()) return;
  if (now >= idle_deadline_) {
    state_.log().info("client {}: idle for {} ms; closing", peer_,
                      state_.config().client_idle_timeout.count());
    phase_ = Phase::failed;
    boost::system::error_code ignored;
    socket_.close(ignored);  // the pending read or wait ends with operation_aborted
    progress_.notify_all();  // as does a wait for room in the links
    return;
  }
  const auto last_command = idle_deadline_ - state_.config().client_idle_timeout;
  if (phase_ == Phase::reading && !writing() && lines_.empty() &&
      now - last_command >= park_after) {
    // Cancelling the pending read (no write is pending to be cancelled with
    // it) lets read_loop give up the buffer and wait without one.
    phase_ = Phase::parking;
    boost::system::error_code ignored;
    socket_.cancel(ignored);
  }
}

asio::awaitable<void> ClientSession::read_loop() {
  while (takes_commands()) {
    // Flow control (flow_control.hpp): while this client has flood_window
    // updates unwritten in a backlogged link, take no commands (the herd is
    // not taking its updates as fast as it sends them), nor from anyone while
    // a link is near its limit; nor while this client leaves a pile of replies
    // unread (the member's memory is not its queue).
    // The ring's next slot holds this client's flood_window-th latest flood:
    // unwritten, it means that many are (a link writes a member's own floods in
    // order, LinkQueue).
    const std::uint64_t window_start = recent_floods_[flood_count_ % flood_window];
    while (takes_commands()) {
      const auto until = state_.peers().held_back_until(window_start);
      if (!until) break;
      // The connection's end (stop_reading, idle, a failed write) wakes it too.
      co_await (state_.peers().wait_for_room(*until) || progress_.wait());
    }
    while (writing() && replies_.ready().size() >= unread_replies_limit && takes_commands()) {
      co_await progress_.wait();
    }
    if (!takes_commands()) co_return;
    boost::system::error_code error;
    std::size_t bytes = 0;
    if (phase_ == Phase::parked) {
      // Wait for bytes before taking memory to read them into; then read
      // what came at once. (Each such wait costs an epoll_ctl, hence the
      // pending read below for connections in use.)
      auto [wait_error] = co_await socket_.async_wait(asio::socket_base::wait_read, use_tuple);
      if (!takes_commands()) co_return;  // shutdown or idle timeout got here first
      error = wait_error;
      if (!error) bytes = socket_.read_some(read_buffer(lines_), error);
      if (error == asio::error::would_block) continue;  // a spurious wake-up
      phase_ = Phase::reading;
    } else {
      std::tie(error, bytes) = co_await socket_.async_read_some(read_buffer(lines_), use_tuple);
      if (!takes_commands()) co_return;
      if (phase_ == Phase::parking) {
        if (error == asio::error::operation_aborted) {
          phase_ = Phase::parked;
          lines_.release_if_empty();
          continue;
        }
        phase_ = Phase::reading;  // bytes came before the cancel did
      }
    }
    // The commands of one read are stamped with one time: when they arrived.
    read_time_ = std::chrono::system_clock::now();
    read_steady_time_ = std::chrono::steady_clock::now();
    if (error) {
      if (error == asio::error::eof) {
        // protocol.md §2: end of stream also ends the last command.
        handle_last_line();
        if (takes_commands()) phase_ = Phase::closing;
      } else {
        state_.log().info("client {}: read failed ({})", peer_, error.message());
        phase_ = Phase::failed;
      }
      flush();
      co_return;
    }
    lines_.commit(bytes);
    if (first_line_ && state_.peers().links_use_tls() && starts_tls_record(lines_.unread())) {
      // A neighbour dialing us with TLS (protocol.md §10): no command starts so.
      // With TLS off nothing is told apart: those bytes are a client's line.
      phase_ = Phase::handing_off_tls;
      co_return;
    }
    handle_complete_lines();
    if (takes_commands() && lines_.overflowed()) {
      const std::string_view prefix = lines_.overflow_prefix();
      state_.log().warn("client {}: line longer than {} bytes; closing", peer_,
                        state_.config().max_line_bytes);
      reject(prefix, "line too long");
      phase_ = Phase::closing;
    }
    send_soon();  // everything this read produced, in one write
  }
}

asio::awaitable<void> ClientSession::finish_owed_replies() {
  // Each WHATSAT is bounded by its own deadline and each write by the socket,
  // so this ends; a write error (Phase::failed) drops what is still owed.
  while (phase_ != Phase::failed && (writing() || !replies_.empty())) {
    co_await progress_.wait();
  }
}

void ClientSession::flush() {
  const std::string_view ready = replies_.ready();
  if (writing() || phase_ == Phase::failed || ready.empty()) return;
  boost::system::error_code error;
  const std::size_t sent = socket_.write_some(asio::buffer(ready), error);
  if (error && error != asio::error::would_block) {
    write_failed(error);
    return;
  }
  if (sent == ready.size()) {
    replies_.consume(sent);
    progress_.notify_all();
    return;
  }
  // The socket's send buffer is full: the rest waits for it to drain, while
  // later replies gather in replies_ for the next write.
  sending_.assign(ready.substr(sent));
  replies_.consume(ready.size());
  asio::async_write(
      socket_, asio::buffer(sending_),
      [self = shared_from_this()](const boost::system::error_code& error, std::size_t) {
        self->sending_.clear();
        if (error) {
          self->write_failed(error);
        } else {
          self->flush();
        }
        self->progress_.notify_all();
      });
}

void ClientSession::write_failed(const boost::system::error_code& error) {
  state_.log().info("client {}: write failed ({})", peer_, error.message());
  phase_ = Phase::failed;
  boost::system::error_code ignored;
  socket_.close(ignored);  // wakes the reader too
  progress_.notify_all();
}

void ClientSession::handle_complete_lines() {
  ClientPrefetch clients(state_.table(), lines_.unread());
  while (takes_commands()) {
    const auto line = lines_.next_line();
    if (!line) break;
    handle_line(*line, clients);
  }
}

void ClientSession::handle_last_line() {
  if (const auto rest = lines_.take_rest()) {
    ClientPrefetch clients(state_.table(), *rest);
    handle_line(*rest, clients);
  }
}

void ClientSession::handle_line(std::string_view line, ClientPrefetch& clients) {
  const bool first_line = first_line_;
  first_line_ = false;
  const Command command = parse_command(line);
  if (std::holds_alternative<Blank>(command)) return;
  if (const auto* hello = std::get_if<Hello>(&command); hello && first_line) {
    // A neighbour dialing us: the connection becomes a peer link.
    hello_from_ = std::string(hello->member);
    phase_ = Phase::handing_off;
    return;
  }
  idle_deadline_ = read_steady_time_ + state_.config().client_idle_timeout;
  log_traffic(state_.log(), state_.config().log_traffic_level, read_time_, "client", peer_, "<",
              line);
  if (const auto* iamat = std::get_if<Iamat>(&command)) {
    handle_iamat(*iamat, line, clients.hash_of(iamat->client));
  } else if (const auto* whatsat = std::get_if<Whatsat>(&command)) {
    handle_whatsat(*whatsat, line, clients.hash_of(whatsat->client));
  } else if (const auto* invalid = std::get_if<Invalid>(&command)) {
    reject(line, invalid->reason);
  } else if (std::holds_alternative<Echo>(command)) {
    reject(line, "ECHO is only accepted on a link between members");
  } else {
    reject(line, "HELLO is only accepted as the first line of a link");
  }
}

void ClientSession::handle_iamat(const Iamat& command, std::string_view line,
                                 std::uint32_t client_hash) {
  const nanoseconds_t received =
      std::chrono::duration_cast<std::chrono::nanoseconds>(read_time_.time_since_epoch()).count();
  const nanoseconds_t max_skew = std::chrono::nanoseconds(state_.config().max_clock_skew).count();
  if (const auto problem = future_time_problem(command, received, max_skew); !problem.empty()) {
    reject(line, problem);
    return;
  }
  const RecordView update{command.client, command.location,
                          command.time,   command.client_time,
                          received,       static_cast<std::uint8_t>(state_.self())};
  const Applied applied = state_.table().apply(update, client_hash);
  if (applied == Applied::no_room) {
    state_.refused_iamats().note(read_steady_time_, [&] {
      return fmt::format("client {}: IAMAT for \"{}\" refused: table full ({})", peer_,
                         Escaped{command.client}, describe_fill(state_.table()));
    });
    queue_invalid_reply(line);
    return;
  }
  std::string text;
  append_at_line(text, state_.name(), received - command.client_time, command.client,
                 command.location, command.time);
  text.push_back('\n');
  queue_reply(text);
  if (applied != Applied::stored) return;
  if (const std::uint64_t ticket = state_.peers().flood(update, std::nullopt, read_time_)) {
    recent_floods_[flood_count_++ % flood_window] = ticket;
  }
}

void ClientSession::handle_whatsat(const Whatsat& command, std::string_view line,
                                   std::uint32_t client_hash) {
  const auto record = state_.table().find(command.client, client_hash);
  if (!record) {
    reject(line, "WHATSAT for an unknown client");
    return;
  }
  const auto coordinates = parse_location(record->location);
  std::string at_line;
  append_at_line(at_line, state_.member_name(record->origin),
                 record->receive_time - record->client_time, record->client, record->location,
                 record->time);
  if (command.bound == 0) {
    // protocol.md §4: nothing to look up, so no backend is asked.
    queue_reply(at_line + "\n" + format_places_json(places_zero_results()) + "\n\n");
    return;
  }
  PlacesQuery query{coordinates->latitude, coordinates->longitude, command.radius_km,
                    command.bound};
  ReplyQueue::Held& reply = replies_.hold();
  // A failed answer never takes the session down, and the client still gets
  // its reply in its place: the AT line and an UNKNOWN_ERROR body. Only
  // finish_whatsat completes the reply, so it is still there however the
  // answer ended.
  auto self = shared_from_this();
  state_.supervisor().spawn(
      "client " + peer_ + ": WHATSAT",
      [this, self, &reply, query] { return answer_whatsat(self, reply, query); }, OnFailure::log,
      [self, &reply,
       at_line = std::move(at_line)](std::optional<std::string_view> failure) mutable {
        if (failure) {
          reply.text = format_places_json(
              places_error("UNKNOWN_ERROR", "internal error: " + std::string(*failure)));
        }
        self->finish_whatsat(reply, std::move(at_line));
      });
}

asio::awaitable<void> ClientSession::answer_whatsat(std::shared_ptr<ClientSession> self,
                                                    ReplyQueue::Held& reply, PlacesQuery query) {
  PlacesBackend& places = state_.places();
  const auto started = std::chrono::steady_clock::now();
  PlacesAnswer answer = co_await places.nearby(query);
  const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - started;
  state_.log().info("places {}: client {}: {} results, status {} in {:.1f} ms", places.name(),
                    self->peer_, answer.results, answer.status, took.count());
  reply.text = std::move(answer.body);
}

void ClientSession::finish_whatsat(ReplyQueue::Held& reply, std::string at_line) {
  std::string text = std::move(at_line);
  text += '\n';
  text += reply.text;
  text += "\n\n";
  reply.text = std::move(text);
  log_traffic(state_.log(), state_.config().log_traffic_level, std::chrono::system_clock::now(),
              "client", peer_, ">", without_last_newline(reply.text));
  replies_.complete(reply);
  send_soon();
  progress_.notify_all();
}

void ClientSession::reject(std::string_view line, std::string_view reason) {
  state_.log().info("client {}: invalid command ({})", peer_, reason);
  queue_invalid_reply(line);
}

void ClientSession::queue_invalid_reply(std::string_view line) {
  std::string text = "? ";
  text.append(line);
  text.push_back('\n');
  queue_reply(text);
}

void ClientSession::queue_reply(std::string_view text) {
  log_traffic(state_.log(), state_.config().log_traffic_level, read_time_, "client", peer_, ">",
              without_last_newline(text));
  // Sent by the send_soon() that follows the commands of this read, unless a
  // WHATSAT before it is still being answered.
  replies_.append(text);
}

void ClientSession::send_soon() {
  if (!replies_.ready().empty() && !writing() && phase_ != Phase::failed) {
    state_.replies().add(shared_from_this());
  }
}

}  // namespace herd
