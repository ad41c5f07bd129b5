// WHATSAT end to end (protocol.md §4, §7): real herd_server processes pointed at the fake
// Places server over real HTTPS, driven by clients over loopback TCP. The backends'
// conversions and failure mappings are unit-tested in places_*_test.cpp; this checks
// what a client of the member sees: framing, the request that reaches Google, bounds,
// failures, the key kept secret, timeouts, concurrency, ordering and TLS checks.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <algorithm>
#include <chrono>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "fake_places.hpp"
#include "fake_places_data.hpp"
#include "test_certificates.hpp"
#include "test_herd.hpp"

namespace herd::test {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr std::string_view api_key = "whatsat-test-key-7Qz9";
constexpr std::string_view kiwi = "kiwi.cs.ucla.edu";
constexpr std::string_view kiwi_iamat =
    "IAMAT kiwi.cs.ucla.edu +34.068930-118.445127 1520023934.918963997\n";

// The first canned places' names as UTF-8 bytes, spelled out so that no source or
// execution character set can change them.
constexpr std::string_view cafe_name =
    "Caf\xC3\xA9 \xC3\x91"
    "and\xC3\xBA \xE6\x9D\xB1\xE4\xBA\xAC";  // Café Ñandú 東京
constexpr std::string_view bakery_name =
    "M\xC3\xBCller's B\xC3\xA4"
    "ckerei";  // Müller's Bäckerei
constexpr std::string_view russian_name =
    "\xD0\xA2\xD1\x80\xD0\xB0\xD0\xBF\xD0\xB5\xD0\xB7\xD0\xBD\xD0\xB0\xD1\x8F "
    "\xC2\xAB\xD0\x9C\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0\xC2\xBB";  // Трапезная «Москва»

// protocol.md §4's framing: the AT line, "\n", pretty JSON with no empty line and no final
// newline, then "\n\n".
::testing::AssertionResult is_framed(std::string_view reply) {
  const auto newline = reply.find('\n');
  if (!reply.starts_with("AT ") || newline == std::string_view::npos) {
    return ::testing::AssertionFailure() << "no AT line first: " << reply;
  }
  if (!reply.ends_with("}\n\n")) {
    return ::testing::AssertionFailure() << "does not end in \"}\\n\\n\": " << reply;
  }
  if (reply.find("\n\n") != reply.size() - 2) {
    return ::testing::AssertionFailure() << "an empty line before the end: " << reply;
  }
  if (!json::accept(reply.substr(newline + 1))) {
    return ::testing::AssertionFailure() << "what follows the AT line is not JSON: " << reply;
  }
  return ::testing::AssertionSuccess();
}

// Whole milliseconds since `start`, which gtest prints readably.
std::chrono::milliseconds since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

// The JSON after the AT line of a framed reply.
json body_of(std::string_view reply) { return json::parse(reply.substr(reply.find('\n') + 1)); }

// A herd of `members` whose Places backend is `fake` (trusting its CA), with the key
// in the environment; `places` is merged over those settings.
HerdOptions pointed_at(const FakePlacesServer& fake, const json& places = json::object(),
                       std::vector<std::string> members = {"Goloman"}) {
  json settings = {{"backend", "google"},
                   {"google_base_url", fake.base_url()},
                   {"legacy_base_url", fake.base_url()},
                   {"ca_file", fake.ca_file().string()}};
  settings.update(places);
  HerdOptions options;
  options.members = std::move(members);
  options.config = {{"places", settings}};
  options.environment = {{"GOOGLE_PLACES_API_KEY", std::string(api_key)}};
  return options;
}

class Whatsat : public ::testing::Test {
 protected:
  // Starts Goloman pointed at the fake, with `places` over the defaults.
  void start(const json& places = json::object()) {
    herd_ = std::make_unique<TestHerd>(pointed_at(fake_, places));
    herd_->start("Goloman");
  }

  // Sends kiwi's IAMAT to Goloman; returns the AT line with its "\n".
  std::string report_kiwi() {
    const std::string at_line = herd_->exchange("Goloman", kiwi_iamat);
    EXPECT_THAT(at_line, StartsWith("AT Goloman "));
    return at_line;
  }

  // Sends one WHATSAT line on `client` and reads its reply ("" if none came).
  static std::string ask(TcpClient& client, std::string_view command) {
    client.send(std::string(command) + "\n");
    return client.read_until("\n\n", scaled(5000ms)).value_or("");
  }

  std::string ask(std::string_view command) {
    TcpClient client = herd_->connect("Goloman");
    return ask(client, command);
  }

  // Waits until the member's log holds `text` (the log is written asynchronously);
  // returns the log.
  std::string log_once_it_holds(std::string_view text, const std::string& member = "Goloman") {
    herd_->eventually_logged(member, text, scaled(5000ms));
    return herd_->log_text(member);
  }

  FakePlacesServer fake_;  // first: the members die before it does
  std::unique_ptr<TestHerd> herd_;
};

// ---------------------------------------------------------------------------------------
// What both backends must do alike.

class WhatsatEachBackend : public Whatsat, public ::testing::WithParamInterface<std::string> {
 protected:
  void SetUp() override { start({{"backend", GetParam()}}); }
  bool legacy() const { return GetParam() == "google-legacy"; }

  // The canned place `i` as the member should give it: the legacy result, less the
  // deprecated field that only the legacy API itself still sends.
  json expected_result(std::size_t i) const {
    json result = canned_legacy_results().at(i);
    if (!legacy()) result.erase("reference");
    return result;
  }
};

TEST_P(WhatsatEachBackend, ReplyIsTheAtLineThenLegacyJsonThenOneEmptyLine) {
  const std::string at_line = report_kiwi();
  TcpClient client = herd_->connect("Goloman");
  client.send("WHATSAT kiwi.cs.ucla.edu 10 5\n");
  // One write (protocol.md §2): a single read() gets all of it.
  const std::string reply = client.read_once(scaled(5000ms)).value_or("");
  ASSERT_TRUE(is_framed(reply));
  EXPECT_EQ(reply.substr(0, at_line.size()), at_line) << "the stored AT line, byte for byte";
  EXPECT_THAT(reply, HasSubstr("\n   \"results\": [")) << "three-space indent";

  const json body = body_of(reply);
  EXPECT_EQ(body.at("status"), "OK");
  EXPECT_EQ(body.at("html_attributions"), json::array());
  EXPECT_FALSE(body.contains("error_message"));
  const json& results = body.at("results");
  ASSERT_EQ(results.size(), 5u) << reply;
  for (std::size_t i = 0; i < results.size(); ++i) {
    const json& place = results[i];
    EXPECT_TRUE(place.at("place_id").is_string());
    EXPECT_TRUE(place.at("name").is_string());
    EXPECT_TRUE(place.at("geometry").at("location").at("lat").is_number());
    EXPECT_TRUE(place.at("geometry").at("location").at("lng").is_number());
    EXPECT_TRUE(place.at("types").is_array());
    EXPECT_TRUE(place.at("vicinity").is_string());
    EXPECT_TRUE(place.at("rating").is_number());
    EXPECT_TRUE(place.at("user_ratings_total").is_number_integer());
    EXPECT_EQ(place.at("business_status"), "OPERATIONAL");
    EXPECT_EQ(place, expected_result(i)) << "place " << i << " in the backend's order";
  }
}

TEST_P(WhatsatEachBackend, RequestCarriesTheLocationTheRadiusInMetresAndTheKey) {
  report_kiwi();
  ASSERT_TRUE(is_framed(ask("WHATSAT kiwi.cs.ucla.edu 10 5")));
  ASSERT_EQ(fake_.requests(), 1u);
  const auto request = fake_.last_request();
  ASSERT_TRUE(request);
  if (legacy()) {
    EXPECT_EQ(request->method, "GET");
    EXPECT_EQ(request->target,
              fmt::format("/maps/api/place/nearbysearch/json?location=34.06893,-118.445127"
                          "&radius=10000&key={}",
                          api_key));
    return;
  }
  EXPECT_EQ(request->method, "POST");
  EXPECT_EQ(request->target, "/v1/places:searchNearby");
  EXPECT_EQ(request->header("X-Goog-Api-Key"), api_key);
  EXPECT_THAT(request->header("X-Goog-FieldMask"), HasSubstr("places.displayName"));
  const json body = json::parse(request->body);
  const json& circle = body.at("locationRestriction").at("circle");
  EXPECT_EQ(circle.at("radius"), 10000);
  EXPECT_DOUBLE_EQ(circle.at("center").at("latitude").get<double>(), 34.068930);
  EXPECT_DOUBLE_EQ(circle.at("center").at("longitude").get<double>(), -118.445127);
  EXPECT_EQ(body.at("maxResultCount"), 5);
}

TEST_P(WhatsatEachBackend, ResultsAreCutToTheBoundWhateverTheBackendSends) {
  report_kiwi();
  // All 20 places whatever was asked for, so the member itself must cut.
  if (!legacy()) fake_.respond_with(200, json{{"places", canned_new_places()}}.dump());
  TcpClient client = herd_->connect("Goloman");
  for (const std::size_t bound : {5u, 1u, 20u}) {
    const std::string reply = ask(client, fmt::format("WHATSAT kiwi.cs.ucla.edu 10 {}", bound));
    ASSERT_TRUE(is_framed(reply));
    const json body = body_of(reply);
    EXPECT_EQ(body.at("status"), "OK");
    ASSERT_EQ(body.at("results").size(), bound) << reply;
    EXPECT_EQ(body.at("results").back(), expected_result(bound - 1)) << "the first " << bound;
  }
  ASSERT_EQ(canned_place_count, 20u);
}

TEST_P(WhatsatEachBackend, NonAsciiNamesArriveAsTheSameUtf8Bytes) {
  report_kiwi();
  const std::string reply = ask("WHATSAT kiwi.cs.ucla.edu 10 3");
  ASSERT_TRUE(is_framed(reply));
  for (const auto name : {cafe_name, bakery_name, russian_name}) {
    EXPECT_THAT(reply, HasSubstr(fmt::format("\"name\": \"{}\"", name)));
  }
  EXPECT_THAT(reply, Not(HasSubstr("\\u"))) << "no \\u escapes for readable text";
  EXPECT_EQ(body_of(reply).at("results").at(0).at("name").get<std::string>(), cafe_name);
}

TEST_P(WhatsatEachBackend, FailuresKeepTheLegacyStatusAndNeverShowTheKey) {
  const std::string at_line = report_kiwi();
  const struct {
    FakeMode mode;
    std::string_view status;
    std::string_view message_part;
  } cases[] = {
      {FakeMode::forbidden, "REQUEST_DENIED", "HTTP 403 Forbidden"},
      {FakeMode::key_invalid, "REQUEST_DENIED", "API key not valid"},
      {FakeMode::quota, "OVER_QUERY_LIMIT", "HTTP 429 Too Many Requests"},
      {FakeMode::bad_request, "INVALID_REQUEST", "HTTP 400 Bad Request"},
      {FakeMode::server_error, "UNKNOWN_ERROR", "HTTP 500 Internal Server Error"},
      {FakeMode::bad_json, "UNKNOWN_ERROR", "unparsable response"},
      {FakeMode::close_mid_response, "UNKNOWN_ERROR", "reading the response from localhost"},
  };
  TcpClient client = herd_->connect("Goloman");
  const auto expect_failure = [&](std::string_view status, std::string_view message_part) {
    const std::string reply = ask(client, "WHATSAT kiwi.cs.ucla.edu 10 5");
    ASSERT_TRUE(is_framed(reply));
    EXPECT_EQ(reply.substr(0, at_line.size()), at_line);
    EXPECT_THAT(reply, Not(HasSubstr(api_key)));
    const json body = body_of(reply);
    EXPECT_EQ(body.at("status").get<std::string>(), status) << reply;
    EXPECT_EQ(body.at("results"), json::array());
    EXPECT_EQ(body.at("html_attributions"), json::array());
    EXPECT_THAT(body.value("error_message", ""), HasSubstr(message_part)) << reply;
  };
  for (const auto& expected : cases) {
    SCOPED_TRACE(expected.status);
    fake_.set_mode(expected.mode);
    expect_failure(expected.status, expected.message_part);
  }

  // A key the backend does not accept (the legacy API says so in a 200 answer).
  fake_.set_mode(FakeMode::normal);
  fake_.set_required_key("some-other-key");
  expect_failure("REQUEST_DENIED",
                 legacy() ? "The provided API key is invalid" : "API key not valid");
  fake_.set_required_key("");

  // A backend that quotes the key back in its message.
  fake_.respond_with(400,
                     json{{"error", {{"message", fmt::format("bad key {}", api_key)}}}}.dump());
  expect_failure("INVALID_REQUEST", "bad key <key>");

  // The key was sent every time, yet neither the log nor the output shows it.
  EXPECT_EQ(fake_.requests(), std::size(cases) + 2);
  const std::string log = log_once_it_holds("bad key <key>");
  EXPECT_THAT(log, HasSubstr("bad key <key>"));
  EXPECT_THAT(log, Not(HasSubstr(api_key)));
  EXPECT_THAT(herd_->output_text("Goloman"), Not(HasSubstr(api_key)));
}

INSTANTIATE_TEST_SUITE_P(Backends, WhatsatEachBackend, ::testing::Values("google", "google-legacy"),
                         [](const auto& info) {
                           return info.param == "google" ? std::string("Google")
                                                         : std::string("GoogleLegacy");
                         });

// ---------------------------------------------------------------------------------------
// The Places API (New) backend: what does not depend on the API.

TEST_F(Whatsat, BoundZeroAndRadiusZeroAnswerZeroResultsWithoutAskingTheBackend) {
  start();
  const std::string at_line = report_kiwi();
  for (const std::string_view command :
       {"WHATSAT kiwi.cs.ucla.edu 10 0", "WHATSAT kiwi.cs.ucla.edu 0 5"}) {
    const std::string reply = ask(command);
    ASSERT_TRUE(is_framed(reply)) << command;
    EXPECT_EQ(reply.substr(0, at_line.size()), at_line);
    const json body = body_of(reply);
    EXPECT_EQ(body.at("status"), "ZERO_RESULTS") << command;
    EXPECT_EQ(body.at("results"), json::array());
  }
  EXPECT_EQ(fake_.requests(), 0u);
  EXPECT_EQ(fake_.handshakes(), 0u);
  // The same member does reach the fake when there is something to ask.
  EXPECT_EQ(body_of(ask("WHATSAT kiwi.cs.ucla.edu 0.5 1")).at("status"), "OK");
  EXPECT_EQ(fake_.requests(), 1u);
}

TEST_F(Whatsat, TimeoutIsUnknownErrorAndOtherClientsAreServedMeanwhile) {
  const auto timeout = scaled(500ms);
  const auto delay = timeout + scaled(5000ms);  // far past the deadline; nobody waits for it
  start({{"timeout_ms", timeout.count()}});
  const std::string at_line = report_kiwi();
  fake_.set_delay(delay);

  TcpClient slow = herd_->connect("Goloman");
  const auto sent = Clock::now();
  slow.send("WHATSAT kiwi.cs.ucla.edu 10 3\n");
  ASSERT_TRUE(eventually([&] { return fake_.requests() == 1; }, scaled(5000ms)));

  // While that one waits on the backend, another connection is answered.
  TcpClient other = herd_->connect("Goloman");
  other.send("IAMAT meanwhile.client +1+1 1520023934\n");
  EXPECT_THAT(other.read_line(scaled(5000ms)).value_or(""), StartsWith("AT Goloman "));
  const std::string zero = ask(other, "WHATSAT meanwhile.client 10 0");
  ASSERT_TRUE(is_framed(zero));
  EXPECT_THAT(zero, HasSubstr(" meanwhile.client +1+1 1520023934\n"));
  EXPECT_EQ(body_of(zero).at("status"), "ZERO_RESULTS");
  EXPECT_FALSE(slow.read_once(0ms)) << "the slow WHATSAT finished before the others were served";

  const std::string reply = slow.read_until("\n\n", timeout + scaled(5000ms)).value_or("");
  const auto took = since(sent);
  ASSERT_TRUE(is_framed(reply));
  EXPECT_EQ(reply.substr(0, at_line.size()), at_line);
  const json body = body_of(reply);
  EXPECT_EQ(body.at("status"), "UNKNOWN_ERROR");
  EXPECT_EQ(body.at("results"), json::array());
  EXPECT_THAT(body.value("error_message", ""),
              HasSubstr(fmt::format("timed out after {} ms", timeout.count())));
  EXPECT_GE(took, timeout);
  EXPECT_LT(took, delay) << "answered by the backend, not by the deadline";
}

TEST_F(Whatsat, HundredConcurrentWhatsatsOverlapAndReuseConnections) {
  constexpr std::size_t clients = 100;
  // Room for every request at once, whatever the pool's default limit; 100
  // handshakes at once are slow under sanitizers on a busy machine.
  start({{"pool_size", 128}, {"timeout_ms", scaled(5000ms).count()}});
  report_kiwi();
  // No answer until all 100 are at the backend together: had herd made any of
  // them wait for another's answer, none would come before herd's own deadline.
  fake_.hold_answers_until_in_flight(clients);

  std::vector<TcpClient> connections;
  connections.reserve(clients);
  for (std::size_t i = 0; i < clients; ++i) connections.push_back(herd_->connect("Goloman"));

  // One WHATSAT on every connection, then every reply.
  const auto round = [&] {
    for (auto& connection : connections) connection.send("WHATSAT kiwi.cs.ucla.edu 10 3\n");
    std::size_t answered = 0;
    for (auto& connection : connections) {
      const std::string reply = connection.read_until("\n\n", scaled(10000ms)).value_or("");
      if (is_framed(reply) && body_of(reply).at("status") == "OK" &&
          body_of(reply).at("results").size() == 3) {
        ++answered;
      } else {
        ADD_FAILURE() << "reply " << answered << ": " << reply;
        break;
      }
    }
    EXPECT_EQ(answered, clients);
  };

  round();
  const std::size_t first_handshakes = fake_.handshakes();
  EXPECT_EQ(first_handshakes, clients);  // all at once took a connection each
  round();
  EXPECT_EQ(fake_.requests(), 2 * clients);
  EXPECT_EQ(fake_.handshakes(), first_handshakes)
      << "the second round should reuse the kept-alive connections";
  EXPECT_EQ(fake_.peak_in_flight(), clients);
}

TEST_F(Whatsat, PipelinedWhatsatThenIamatAreAnsweredInOrder) {
  start();
  const std::string at_line = report_kiwi();
  const auto delay = scaled(400ms);
  fake_.set_delay(delay);

  TcpClient client = herd_->connect("Goloman");
  const auto sent = Clock::now();
  client.send("WHATSAT kiwi.cs.ucla.edu 10 3\nIAMAT later.client -1.5+2.5 1520023999\n");
  // The IAMAT takes effect at once (another connection sees its record) ...
  ASSERT_TRUE(eventually([&] { return !herd_->record_at("Goloman", "later.client").empty(); },
                         scaled(5000ms)));
  // ... but its reply waits behind the WHATSAT's.
  EXPECT_FALSE(client.read_once(0ms)) << "a reply overtook the pending WHATSAT";

  client.shutdown_write();
  const std::string all = client.read_to_eof(delay + scaled(5000ms)).value_or("");
  EXPECT_GE(since(sent), delay);
  const auto end_of_whatsat = all.find("\n\n");
  ASSERT_NE(end_of_whatsat, std::string::npos) << all;
  const std::string whatsat_reply = all.substr(0, end_of_whatsat + 2);
  ASSERT_TRUE(is_framed(whatsat_reply));
  EXPECT_EQ(whatsat_reply.substr(0, at_line.size()), at_line);
  EXPECT_EQ(body_of(whatsat_reply).at("status"), "OK");
  const std::string iamat_reply = all.substr(end_of_whatsat + 2);
  EXPECT_THAT(iamat_reply, StartsWith("AT Goloman "));
  EXPECT_TRUE(iamat_reply.ends_with(" later.client -1.5+2.5 1520023999\n")) << iamat_reply;
  EXPECT_EQ(std::count(iamat_reply.begin(), iamat_reply.end(), '\n'), 1) << iamat_reply;
}

TEST_F(Whatsat, SigtermWaitsForTheAnswerOwedAndTheReplyBehindIt) {
  start();  // the shutdown grace is 3 s
  report_kiwi();
  fake_.set_delay(scaled(300ms));
  TcpClient client = herd_->connect("Goloman");
  client.send("WHATSAT kiwi.cs.ucla.edu 10 3\nIAMAT later.client -1.5+2.5 1520023999\n");
  ASSERT_TRUE(eventually([&] { return fake_.requests() == 1; }, scaled(5000ms)));

  // protocol.md §9: the member reads no more, answers what it owes, then exits, as
  // soon as the last reply is out rather than at the end of the grace.
  EXPECT_EQ(herd_->stop("Goloman"), 0);
  const std::string all = client.read_to_eof(scaled(5000ms)).value_or("");
  const auto end_of_whatsat = all.find("\n\n");
  ASSERT_NE(end_of_whatsat, std::string::npos) << all;
  EXPECT_EQ(body_of(all.substr(0, end_of_whatsat + 2)).at("status"), "OK");
  EXPECT_TRUE(all.ends_with(" later.client -1.5+2.5 1520023999\n")) << all;
  EXPECT_THAT(herd_->log_text("Goloman"), Not(HasSubstr("still busy")));
}

TEST_F(Whatsat, UntrustedCertificateIsUnknownErrorNamingTheTlsFailure) {
  const TestCertificateAuthority other_authority;
  // Another CA than the fake's, then none beyond the system store.
  for (const std::string& ca_file : {other_authority.ca_file().string(), std::string()}) {
    SCOPED_TRACE("ca_file \"" + ca_file + "\"");
    start({{"ca_file", ca_file}});
    report_kiwi();
    const std::string reply = ask("WHATSAT kiwi.cs.ucla.edu 10 3");
    ASSERT_TRUE(is_framed(reply));
    const json body = body_of(reply);
    EXPECT_EQ(body.at("status"), "UNKNOWN_ERROR");
    EXPECT_EQ(body.at("results"), json::array());
    const std::string message = body.value("error_message", "");
    EXPECT_THAT(message, HasSubstr(fmt::format("TLS handshake with localhost:{}", fake_.port())));
    EXPECT_THAT(message, HasSubstr("certificate verify failed"));
  }
  EXPECT_EQ(fake_.requests(), 0u) << "nothing was sent over an unverified connection";
}

TEST_F(Whatsat, CertificateForAnotherHostIsUnknownErrorNamingTheMismatch) {
  fake_.set_wrong_host_certificate(true);
  start();
  report_kiwi();
  const std::string reply = ask("WHATSAT kiwi.cs.ucla.edu 10 3");
  ASSERT_TRUE(is_framed(reply));
  const json body = body_of(reply);
  EXPECT_EQ(body.at("status"), "UNKNOWN_ERROR");
  const std::string message = body.value("error_message", "");
  EXPECT_THAT(message, HasSubstr("TLS handshake with localhost"));
  EXPECT_THAT(message, HasSubstr("hostname mismatch"));
  EXPECT_EQ(fake_.requests(), 0u);
}

// A member answers WHATSAT from a record it was flooded, asking Places itself;
// the places never travel between members.
TEST_F(Whatsat, AnotherMemberAnswersFromTheFloodedRecordAndAsksPlacesItself) {
  herd_ = std::make_unique<TestHerd>(pointed_at(fake_, json::object(), {"Goloman", "Hands"}));
  herd_->start_all();
  const std::string at_line = report_kiwi();
  ASSERT_TRUE(herd_->converges_to({{std::string(kiwi), at_line.substr(0, at_line.size() - 1)}},
                                  scaled(5000ms)));
  TcpClient client = herd_->connect("Hands");
  const std::string reply = ask(client, "WHATSAT kiwi.cs.ucla.edu 2.5 4");
  ASSERT_TRUE(is_framed(reply));
  EXPECT_EQ(reply.substr(0, at_line.size()), at_line) << "Goloman's AT line, byte for byte";
  EXPECT_EQ(body_of(reply).at("results").size(), 4u);
  EXPECT_EQ(fake_.requests(), 1u);
  const json request = json::parse(fake_.last_request()->body);
  EXPECT_EQ(request.at("locationRestriction").at("circle").at("radius"), 2500);

  const std::string hands_log = log_once_it_holds("places google: POST", "Hands");
  EXPECT_THAT(hands_log, HasSubstr("places google: POST"));
  EXPECT_THAT(herd_->log_text("Goloman"), Not(HasSubstr("places google: POST")));
}

}  // namespace
}  // namespace herd::test
