// The HTTPS client against the fake: verification failures, the deadline, and
// the keep-alive pool under sequential and concurrent load.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "fake_places.hpp"
#include "fake_places_client.hpp"
#include "herd/places/https_client.hpp"
#include "run_awaitable.hpp"
#include "tcp_client.hpp"
#include "test_herd.hpp"

namespace herd {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using test::FakeMode;

HttpsRequest legacy_search() {
  return {boost::beast::http::verb::get,
          "/maps/api/place/nearbysearch/json?location=1,2&radius=3&key=k",
          {},
          {}};
}

// Starts `count` requests at once and waits (bounded) for all of them.
std::vector<HttpsResponse> run_concurrently(boost::asio::io_context& io, HttpsClient& client,
                                            std::size_t count) {
  std::vector<HttpsResponse> responses;
  for (std::size_t i = 0; i < count; ++i) {
    boost::asio::co_spawn(io, client.request(legacy_search()),
                          [&](std::exception_ptr, HttpsResponse response) {
                            responses.push_back(std::move(response));
                          });
  }
  io.restart();
  const auto deadline = Clock::now() + 20s;
  while (responses.size() < count && Clock::now() < deadline) io.run_one_until(deadline);
  return responses;
}

TEST(HttpsClient, UnreadableCaFileIsAnErrorNamingIt) {
  std::string error;
  EXPECT_EQ(make_tls_client_context("/nonexistent/ca.pem", error), nullptr);
  EXPECT_NE(error.find("/nonexistent/ca.pem"), std::string::npos) << error;
}

TEST(HttpsClient, AFailureNamesAnIpv6HostInBrackets) {
  boost::asio::io_context io;
  std::string error;
  auto tls = make_tls_client_context("", error);
  ASSERT_TRUE(tls) << error;
  // Nobody listens there, so connecting fails and says where it tried.
  const auto port = std::to_string(test::free_port());
  HttpsClient client(io.get_executor(), {"::1", port, ""}, std::move(tls), 5000ms, 1);
  const auto response = test::run_awaitable(io, client.request(legacy_search()));
  EXPECT_NE(response.failure.find("[::1]:" + port), std::string::npos) << response.failure;
}

class HttpsClientPool : public ::testing::Test {
 protected:
  HttpsResponse request() { return test::run_awaitable(io_, client_->request(legacy_search())); }

  test::FakePlacesServer fake_;
  boost::asio::io_context io_;
  std::unique_ptr<HttpsClient> client_ = test::fake_places_client(fake_, io_);
};

TEST_F(HttpsClientPool, SequentialRequestsShareOneConnection) {
  for (int i = 0; i < 10; ++i) {
    const auto response = request();
    EXPECT_EQ(response.failure, "");
    EXPECT_EQ(response.status, 200u);
    EXPECT_EQ(response.new_connection, i == 0);
  }
  EXPECT_EQ(client_->handshakes(), 1u);
  EXPECT_EQ(fake_.handshakes(), 1u);
  EXPECT_EQ(fake_.requests(), 10u);
  EXPECT_EQ(client_->idle_connections(), 1u);
}

TEST_F(HttpsClientPool, ConcurrentRequestsDoNotWaitForEachOtherAndConnectionsAreReused) {
  constexpr std::size_t wave = 100;
  // 100 handshakes at once: slow under sanitizers on a busy machine.
  client_ = test::fake_places_client(fake_, io_, test::scaled(5000ms), wave);
  // No answer until all 100 are at the fake together: a client that made any of
  // them wait for another's answer would get none, only its deadline.
  fake_.hold_answers_until_in_flight(wave);
  for (int round = 0; round < 2; ++round) {
    const auto responses = run_concurrently(io_, *client_, wave);
    ASSERT_EQ(responses.size(), wave);
    for (const auto& response : responses) {
      EXPECT_EQ(response.status, 200u) << "round " << round << ": " << response.failure;
    }
    EXPECT_EQ(fake_.handshakes(), wave);  // all at once took a connection each
    EXPECT_EQ(client_->idle_connections(), client_->handshakes());
  }
  EXPECT_EQ(client_->handshakes(), fake_.handshakes());  // the second wave made none
  EXPECT_EQ(fake_.requests(), 2 * wave);
  EXPECT_EQ(fake_.peak_in_flight(), wave);
}

TEST_F(HttpsClientPool, OpensAtMostPoolSizeConnectionsAndTheRestWaitForOne) {
  client_ = test::fake_places_client(fake_, io_, 5000ms, 4);
  fake_.set_delay(50ms);
  const auto responses = run_concurrently(io_, *client_, 10);
  ASSERT_EQ(responses.size(), 10u);
  for (const auto& response : responses) EXPECT_EQ(response.status, 200u) << response.failure;
  EXPECT_EQ(client_->handshakes(), 4u);
  EXPECT_EQ(fake_.handshakes(), 4u);
  EXPECT_EQ(fake_.requests(), 10u);
  EXPECT_EQ(client_->idle_connections(), 4u);
  EXPECT_EQ(client_->open_connections(), 4u);
}

TEST_F(HttpsClientPool, ARequestWaitingForAConnectionGivesUpAtItsDeadline) {
  client_ = test::fake_places_client(fake_, io_, 300ms, 1);
  fake_.hold_answers_until_in_flight(2);  // never, with one connection
  const auto started = Clock::now();
  const auto responses = run_concurrently(io_, *client_, 3);
  EXPECT_LT(Clock::now() - started, 1500ms);
  ASSERT_EQ(responses.size(), 3u);
  std::size_t waited = 0;
  for (const auto& response : responses) {
    EXPECT_EQ(response.status, 0u);
    EXPECT_TRUE(response.failure.starts_with("timed out after 300 ms (")) << response.failure;
    waited +=
        response.failure.find("(waiting for a free connection to localhost:") != std::string::npos;
  }
  EXPECT_GE(waited, 1u);

  // Nobody kept the pool's one place: the next request gets it.
  fake_.hold_answers_until_in_flight(0);
  const auto next = request();
  EXPECT_EQ(next.status, 200u) << next.failure;
  EXPECT_EQ(client_->open_connections(), 1u);
}

TEST_F(HttpsClientPool, ConnectionDroppedWhileIdleIsReplacedAndTheRequestRetried) {
  fake_.set_mode(FakeMode::close_after_response);
  EXPECT_EQ(request().status, 200u);
  EXPECT_EQ(client_->idle_connections(), 1u);  // it said keep-alive
  const auto second = request();
  EXPECT_EQ(second.failure, "");
  EXPECT_EQ(second.status, 200u);
  EXPECT_TRUE(second.new_connection);
  EXPECT_EQ(fake_.handshakes(), 2u);
  EXPECT_EQ(fake_.requests(), 2u);
}

TEST_F(HttpsClientPool, ConnectionCloseIsHonoured) {
  fake_.set_mode(FakeMode::connection_close);
  for (int i = 0; i < 3; ++i) {
    const auto response = request();
    EXPECT_EQ(response.status, 200u) << response.failure;
    EXPECT_TRUE(response.new_connection);
    EXPECT_EQ(client_->idle_connections(), 0u);
  }
  EXPECT_EQ(fake_.handshakes(), 3u);
}

TEST_F(HttpsClientPool, ResponseCutOffIsAFailureAndNotRetried) {
  EXPECT_EQ(request().status, 200u);
  fake_.set_mode(FakeMode::close_mid_response);
  const auto response = request();
  EXPECT_NE(response.failure.find("reading the response from localhost"), std::string::npos)
      << response.failure;
  EXPECT_EQ(fake_.requests(), 2u);
  EXPECT_EQ(client_->idle_connections(), 0u);
}

TEST_F(HttpsClientPool, DeadlineCoversTheWholeRequest) {
  client_ = test::fake_places_client(fake_, io_, 300ms);
  fake_.set_delay(2000ms);
  const auto started = Clock::now();
  const auto late = request();
  EXPECT_LT(Clock::now() - started, 1500ms);
  EXPECT_NE(late.failure.find("timed out after 300 ms (reading the response from localhost:"),
            std::string::npos)
      << late.failure;
  EXPECT_EQ(client_->idle_connections(), 0u);  // its answer may still come: never reuse it

  fake_.set_delay(0ms);
  const auto next = request();
  EXPECT_EQ(next.status, 200u) << next.failure;
  EXPECT_TRUE(next.new_connection);
}

TEST(HttpsClient, ConnectionRefusedSaysSo) {
  boost::asio::io_context io;
  // A port that was free a moment ago, so nothing listens on it.
  boost::asio::ip::tcp::acceptor probe(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  const auto port = std::to_string(probe.local_endpoint().port());
  probe.close();
  std::string error;
  HttpsClient client(io.get_executor(), {"localhost", port, ""}, make_tls_client_context("", error),
                     2000ms, 4);
  const auto response = test::run_awaitable(io, client.request(legacy_search()));
  EXPECT_NE(response.failure.find("connecting to localhost:" + port + " failed"), std::string::npos)
      << response.failure;
}

}  // namespace
}  // namespace herd
