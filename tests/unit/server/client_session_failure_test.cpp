// A client's session or WHATSAT answer that fails (protocol.md §9): logged with the
// client's address, the client still answered where it is owed a reply, and
// the member carries on.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "herd/places/places.hpp"
#include "herd/server/server.hpp"
#include "in_process_member.hpp"
#include "run_awaitable.hpp"

namespace herd {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace std::string_view_literals;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr std::string_view iamat = "IAMAT kiwi +34.068930-118.445127 1520023934.918963997\n";

class ClientFailure : public ::testing::Test {
 protected:
  ~ClientFailure() override {
    if (!server_) return;
    server_->shutdown();
    test::run_until(io_, [&] { return server_->session_count() == 0; });
  }

  void start(test::FailingPlaces::Failure places = test::FailingPlaces::Failure::none) {
    member_.emplace(io_, "Hands", default_config(), places);
    std::string error;
    auto listener = open_listener(io_.get_executor(), "127.0.0.1", 0, error);
    ASSERT_TRUE(listener) << error;
    endpoint_ = listener->local_endpoint();
    server_.emplace(member_->state, std::move(*listener));
    server_->start();
  }

  // Connected at once (the kernel's backlog); accepted once the io_context runs.
  tcp::socket connect() {
    tcp::socket client(io_);
    client.connect(endpoint_);
    return client;
  }

  // "client 127.0.0.1:<port>", as the member names `client` in its log.
  static std::string named(const tcp::socket& client) {
    return "client 127.0.0.1:" + std::to_string(client.local_endpoint().port());
  }

  // Sends IAMAT then WHATSAT and half-closes; expects the AT line, then the
  // WHATSAT answer for a lookup that failed with `what`, then the member's EOF.
  void expect_whatsat_failure_reply(tcp::socket& client, const std::string& what) {
    asio::write(client, asio::buffer(std::string(iamat) + "WHATSAT kiwi 10 5\n"));
    client.shutdown(tcp::socket::shutdown_send);
    const test::Received received = test::read_from(io_, client, "");
    ASSERT_TRUE(received.closed);
    const std::string at_line = received.text.substr(0, received.text.find('\n') + 1);
    EXPECT_THAT(at_line, StartsWith("AT Hands "));
    EXPECT_EQ(received.text,
              at_line + at_line +
                  format_places_json(places_error("UNKNOWN_ERROR", "internal error: " + what)) +
                  "\n\n");
  }

  asio::io_context io_;
  std::optional<test::InProcessMember> member_;
  tcp::endpoint endpoint_;
  std::optional<Server> server_;
};

TEST_F(ClientFailure, AFailedSessionIsLoggedWithItsClientAndTheMemberCarriesOn) {
  start();
  member_->log->fail_on("kaboom");
  tcp::socket client = connect();
  asio::write(client, asio::buffer("IAMAT kaboom +34.068930-118.445127 1520023934.918963997\n"sv));
  EXPECT_TRUE(test::read_from(io_, client, "").closed);
  EXPECT_TRUE(test::run_until(io_, [&] { return server_->session_count() == 0; }));
  EXPECT_THAT(member_->log->text(), HasSubstr(named(client) + ": session failed (std::bad_alloc)"));

  tcp::socket next = connect();
  asio::write(next, asio::buffer(iamat));
  EXPECT_THAT(test::read_from(io_, next, "\n").text, StartsWith("AT Hands "));
}

TEST_F(ClientFailure, AFailedPlacesLookupIsAnsweredWithUnknownError) {
  start(test::FailingPlaces::Failure::lookup);
  tcp::socket client = connect();
  expect_whatsat_failure_reply(client, "lookup exploded");
  EXPECT_THAT(member_->log->text(),
              HasSubstr(named(client) + ": WHATSAT failed (lookup exploded)"));
}

TEST_F(ClientFailure, AFailureAfterTheLookupStillCompletesTheReply) {
  // The reply's slot was left never ready: the client waited for it forever.
  start(test::FailingPlaces::Failure::after_lookup);
  tcp::socket client = connect();
  expect_whatsat_failure_reply(client, "name exploded");
  EXPECT_THAT(member_->log->text(), HasSubstr(named(client) + ": WHATSAT failed (name exploded)"));
}

}  // namespace
}  // namespace herd
