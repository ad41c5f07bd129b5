#include "herd/client_session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "herd/logging.hpp"
#include "herd/member_state.hpp"
#include "herd/places.hpp"

namespace herd {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

namespace {

std::string endpoint_text(const asio::ip::tcp::socket& socket) {
  boost::system::error_code error;
  const auto endpoint = socket.remote_endpoint(error);
  if (error) return "unknown";
  const auto address = endpoint.address();
  return (address.is_v6() ? "[" + address.to_string() + "]" : address.to_string()) + ":" +
         std::to_string(endpoint.port());
}

nanoseconds_t now_since_epoch() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

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
      lines_(state_.config().max_line_bytes),
      wake_(socket_.get_executor()) {}

asio::awaitable<void> ClientSession::run() {
  auto self = shared_from_this();
  idle_deadline_ = std::chrono::steady_clock::now() + state_.config().client_idle_timeout;
  co_await ((read_loop() && write_loop()) || watch_idle());
  if (!hello_from_.empty()) {
    state_.peers().adopt(std::move(socket_), hello_from_, std::move(lines_));
    co_return;
  }
  boost::system::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  socket_.close(ignored);
  state_.log().info("client {}: closed", peer_);
}

void ClientSession::stop_reading() {
  if (input_done_) return;
  end_input();
  // Wakes the pending read with end-of-stream; replies already owed still go out.
  boost::system::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_receive, ignored);
}

void ClientSession::end_input() {
  input_done_ = true;
  wake_writer();
}

asio::awaitable<void> ClientSession::read_loop() {
  while (!input_done_) {
    auto [error, bytes] =
        co_await socket_.async_read_some(read_buffer(lines_), use_tuple);
    if (error) {
      if (input_done_) co_return;  // shutdown or idle timeout got here first
      if (error == asio::error::eof) {
        // SPEC §2: end of stream also ends the last command.
        if (auto rest = lines_.take_rest()) handle_line(*rest);
      } else {
        state_.log().info("client {}: read failed ({})", peer_, error.message());
        failed_ = true;
      }
      end_input();
      co_return;
    }
    lines_.commit(bytes);
    while (!input_done_) {
      const auto line = lines_.next_line();
      if (!line) break;
      handle_line(*line);
    }
    if (!input_done_ && lines_.overflowed()) {
      const std::string_view prefix = lines_.overflow_prefix();
      state_.log().warn("client {}: line longer than {} bytes; closing", peer_,
                        state_.config().max_line_bytes);
      reject(prefix, "line too long");
      end_input();
      co_return;
    }
    lines_.release_if_empty();
  }
}

asio::awaitable<void> ClientSession::write_loop() {
  std::string sending;
  while (!failed_) {
    if (ready_.empty()) {
      if (input_done_ && pending_.empty()) co_return;
      wake_.expires_at(asio::steady_timer::time_point::max());
      writer_waiting_ = true;
      co_await wake_.async_wait(use_tuple);
      writer_waiting_ = false;
      continue;
    }
    sending.clear();
    sending.swap(ready_);
    auto [error, bytes] = co_await asio::async_write(socket_, asio::buffer(sending), use_tuple);
    if (error) {
      state_.log().info("client {}: write failed ({})", peer_, error.message());
      failed_ = true;
      boost::system::error_code ignored;
      socket_.close(ignored);  // wakes the reader too
      end_input();
      co_return;
    }
  }
}

asio::awaitable<void> ClientSession::watch_idle() {
  asio::steady_timer timer(socket_.get_executor());
  while (!input_done_) {
    timer.expires_at(idle_deadline_);
    co_await timer.async_wait(use_tuple);
    if (!input_done_ && std::chrono::steady_clock::now() >= idle_deadline_) {
      state_.log().info("client {}: idle for {} ms; closing", peer_,
                        state_.config().client_idle_timeout.count());
      failed_ = true;
      boost::system::error_code ignored;
      socket_.close(ignored);
      co_return;
    }
  }
  // Input is over: owed replies may take as long as they need (each is bounded
  // by its own deadline); the operator|| cancels this wait when they are done.
  timer.expires_at(asio::steady_timer::time_point::max());
  co_await timer.async_wait(use_tuple);
}

void ClientSession::handle_line(std::string_view line) {
  const bool first_line = first_line_;
  first_line_ = false;
  const Command command = parse_command(line);
  if (std::holds_alternative<Blank>(command)) return;
  if (const auto* hello = std::get_if<Hello>(&command); hello && first_line) {
    // A neighbour dialing us: the connection becomes a peer link.
    hello_from_ = std::string(hello->member);
    input_done_ = true;
    wake_writer();
    return;
  }
  idle_deadline_ = std::chrono::steady_clock::now() + state_.config().client_idle_timeout;
  state_.log().info("client {} < {}", peer_, Escaped{line});
  if (const auto* iamat = std::get_if<Iamat>(&command)) {
    handle_iamat(*iamat);
  } else if (const auto* whatsat = std::get_if<Whatsat>(&command)) {
    handle_whatsat(*whatsat, line);
  } else if (const auto* invalid = std::get_if<Invalid>(&command)) {
    reject(line, invalid->reason);
  } else if (std::holds_alternative<Echo>(command)) {
    reject(line, "ECHO is only accepted on a link between members");
  } else {
    reject(line, "HELLO is only accepted as the first line of a link");
  }
}

void ClientSession::handle_iamat(const Iamat& command) {
  const nanoseconds_t received = now_since_epoch();
  const RecordView update{command.client, command.location, command.time,
                          command.client_time, received,
                          static_cast<std::uint8_t>(state_.self())};
  std::string text;
  append_at_line(text, state_.name(), received - command.client_time, command.client,
                 command.location, command.time);
  text.push_back('\n');
  reply_now(text);
  if (state_.table().apply(update)) state_.peers().flood(update, std::nullopt);
}

void ClientSession::handle_whatsat(const Whatsat& command, std::string_view line) {
  const auto record = state_.table().find(command.client);
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
    // SPEC §4: nothing to look up, so no backend is asked.
    reply_now(at_line + "\n" + format_places_json(places_zero_results()) + "\n\n");
    return;
  }
  PlacesQuery query{coordinates->latitude, coordinates->longitude, command.radius_km,
                    command.bound};
  PendingReply& slot = pending_.emplace_back();
  asio::co_spawn(socket_.get_executor(),
                 answer_whatsat(shared_from_this(), slot, query, std::move(at_line)),
                 asio::detached);
}

asio::awaitable<void> ClientSession::answer_whatsat(std::shared_ptr<ClientSession> self,
                                                    PendingReply& slot, PlacesQuery query,
                                                    std::string at_line) {
  PlacesBackend& places = state_.places();
  const auto started = std::chrono::steady_clock::now();
  nlohmann::json body;
  try {
    body = co_await places.nearby(query);
  } catch (const std::exception& error) {
    body = places_error("UNKNOWN_ERROR", std::string("internal error: ") + error.what());
  }
  const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - started;
  const auto results = body.contains("results") && body["results"].is_array()
                           ? body["results"].size()
                           : std::size_t{0};
  state_.log().info("places {}: client {}: {} results, status {} in {:.1f} ms", places.name(),
                    self->peer_, results, body.value("status", std::string("?")), took.count());
  slot.text = std::move(at_line);
  slot.text += '\n';
  slot.text += format_places_json(body);
  slot.text += "\n\n";
  slot.ready = true;
  state_.log().info("client {} > {}", peer_, Escaped{without_last_newline(slot.text)});
  promote_ready_replies();
}

void ClientSession::reject(std::string_view line, std::string_view reason) {
  state_.log().info("client {}: invalid command ({})", peer_, reason);
  std::string text = "? ";
  text.append(line);
  text.push_back('\n');
  reply_now(text);
}

void ClientSession::reply_now(std::string_view text) {
  state_.log().info("client {} > {}", peer_, Escaped{without_last_newline(text)});
  if (pending_.empty()) {
    ready_.append(text);
    wake_writer();
  } else {
    pending_.push_back(PendingReply{std::string(text), true});
  }
}

void ClientSession::promote_ready_replies() {
  bool moved = false;
  while (!pending_.empty() && pending_.front().ready) {
    ready_.append(pending_.front().text);
    pending_.pop_front();
    moved = true;
  }
  if (moved) wake_writer();
}

}  // namespace herd
