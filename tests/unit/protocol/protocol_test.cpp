// The line protocol of protocol.md §2–6: parsing and formatting, without sockets.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "herd/config/config.hpp"
#include "herd/protocol/protocol.hpp"
#include "protocol_text.hpp"

namespace herd {
namespace {

using namespace std::string_view_literals;
using test::diff_text;
using test::time_text;

constexpr nanoseconds_t second = 1'000'000'000;

// The reason of an Invalid result, or a note saying what came back instead, so a
// failing EXPECT names the unexpected alternative.
std::string invalid_reason(const Command& command) {
  if (const auto* invalid = std::get_if<Invalid>(&command)) return std::string(invalid->reason);
  return "<valid: alternative " + std::to_string(command.index()) + ">";
}

Iamat parse_iamat(std::string_view line) {
  const Command command = parse_command(line);
  const auto* iamat = std::get_if<Iamat>(&command);
  EXPECT_NE(iamat, nullptr) << line << " -> " << invalid_reason(command);
  return iamat != nullptr ? *iamat : Iamat{};
}

Whatsat parse_whatsat(std::string_view line) {
  const Command command = parse_command(line);
  const auto* whatsat = std::get_if<Whatsat>(&command);
  EXPECT_NE(whatsat, nullptr) << line << " -> " << invalid_reason(command);
  return whatsat != nullptr ? *whatsat : Whatsat{};
}

Echo parse_echo(std::string_view line) {
  const Command command = parse_command(line);
  const auto* echo = std::get_if<Echo>(&command);
  EXPECT_NE(echo, nullptr) << line << " -> " << invalid_reason(command);
  return echo != nullptr ? *echo : Echo{};
}

// True when `part` is a view into `whole`: fields must not be copies.
bool points_into(std::string_view part, std::string_view whole) {
  return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

// --- Blank lines and whitespace ---------------------------------------------

TEST(ProtocolParse, EmptyLineIsBlank) {
  EXPECT_TRUE(std::holds_alternative<Blank>(parse_command("")));
}

TEST(ProtocolParse, AllWhitespaceLinesAreBlank) {
  for (const std::string_view line :
       {" "sv, "\t"sv, "\r"sv, "\n"sv, "\f"sv, "\v"sv, " \t\r\n\f\v "sv, "      \r"sv}) {
    EXPECT_TRUE(std::holds_alternative<Blank>(parse_command(line)))
        << "line of " << line.size() << " whitespace bytes";
  }
}

TEST(ProtocolParse, IsFieldSpaceMatchesSpecExactly) {
  for (int c = 0; c < 256; ++c) {
    const char ch = static_cast<char>(c);
    const bool expected = c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
    EXPECT_EQ(is_field_space(ch), expected) << "byte " << c;
  }
}

TEST(ProtocolParse, NulIsNotWhitespace) {
  // A NUL byte is part of a field, so this line has one field: an unknown command.
  EXPECT_EQ(invalid_reason(parse_command("\0"sv)), "unknown command");
}

TEST(ProtocolParse, AnyWhitespaceMixSeparatesFields) {
  const std::string_view separators[] = {" ",  "\t", "  ", " \t ",   "\r",
                                         "\f", "\v", "\n", "\t\t\t", " \r\f\v\t\n "};
  for (const std::string_view sep : separators) {
    std::string line = "IAMAT";
    line += sep;
    line += "kiwi.cs.ucla.edu";
    line += sep;
    line += "+34.068930-118.445127";
    line += sep;
    line += "1520023934.918963997";
    const Iamat iamat = parse_iamat(line);
    EXPECT_EQ(iamat.client, "kiwi.cs.ucla.edu");
    EXPECT_EQ(iamat.location, "+34.068930-118.445127");
    EXPECT_EQ(iamat.time, "1520023934.918963997");
  }
}

TEST(ProtocolParse, LeadingAndTrailingWhitespaceIgnored) {
  const Iamat iamat = parse_iamat(" \t\f IAMAT a +1+2 3 \t\r\v ");
  EXPECT_EQ(iamat.client, "a");
  EXPECT_EQ(iamat.location, "+1+2");
  EXPECT_EQ(iamat.time, "3");
  EXPECT_EQ(iamat.client_time, 3 * second);
}

TEST(ProtocolParse, TrailingCarriageReturnIsWhitespace) {
  const Iamat iamat = parse_iamat("IAMAT a +1+2 3\r");
  EXPECT_EQ(iamat.time, "3");
}

TEST(ProtocolParse, WhitespaceInsideLocationSplitsIt) {
  EXPECT_EQ(invalid_reason(parse_command("IAMAT a +1 +2 3")), "IAMAT takes 3 arguments");
}

// --- Command words and field counts -----------------------------------------

TEST(ProtocolParse, UnknownCommand) {
  EXPECT_EQ(invalid_reason(parse_command("HELO x")), "unknown command");
  EXPECT_EQ(invalid_reason(parse_command("AT Goloman +0.1 a +1+2 3")), "unknown command");
  EXPECT_EQ(invalid_reason(parse_command("?")), "unknown command");
}

TEST(ProtocolParse, CommandWordsAreCaseSensitive) {
  EXPECT_EQ(invalid_reason(parse_command("iamat a +1+2 3")), "unknown command");
  EXPECT_EQ(invalid_reason(parse_command("Iamat a +1+2 3")), "unknown command");
  EXPECT_EQ(invalid_reason(parse_command("whatsat a 1 1")), "unknown command");
  EXPECT_EQ(invalid_reason(parse_command("echo a +1+2 3 4 Hands")), "unknown command");
  EXPECT_EQ(invalid_reason(parse_command("hello Hands")), "unknown command");
}

TEST(ProtocolParse, CommandWordMustBeWholeField) {
  EXPECT_EQ(invalid_reason(parse_command("IAMATX a +1+2 3")), "unknown command");
  EXPECT_EQ(invalid_reason(parse_command("IAMA a +1+2 3")), "unknown command");
  EXPECT_EQ(invalid_reason(parse_command("xIAMAT a +1+2 3")), "unknown command");
}

TEST(ProtocolParse, IamatWrongFieldCounts) {
  for (const std::string_view line : {"IAMAT"sv, "IAMAT a"sv, "IAMAT a +1+2"sv,
                                      "IAMAT a +1+2 3 4"sv, "IAMAT a +1+2 3 4 5 6 7 8 9"sv}) {
    EXPECT_EQ(invalid_reason(parse_command(line)), "IAMAT takes 3 arguments") << line;
  }
}

TEST(ProtocolParse, WhatsatWrongFieldCounts) {
  for (const std::string_view line : {"WHATSAT"sv, "WHATSAT a"sv, "WHATSAT a 10"sv,
                                      "WHATSAT a 10 5 5"sv, "WHATSAT a 10 5 1 2 3 4 5"sv}) {
    EXPECT_EQ(invalid_reason(parse_command(line)), "WHATSAT takes 3 arguments") << line;
  }
}

TEST(ProtocolParse, EchoWrongFieldCounts) {
  for (const std::string_view line :
       {"ECHO"sv, "ECHO a +1+2 3"sv, "ECHO a +1+2 3 4.000000000"sv,
        "ECHO a +1+2 3 4.000000000 Hands extra"sv, "ECHO a +1+2 3 4 H x y z w"sv}) {
    EXPECT_EQ(invalid_reason(parse_command(line)), "ECHO takes 5 arguments") << line;
  }
}

TEST(ProtocolParse, HelloWrongFieldCounts) {
  EXPECT_EQ(invalid_reason(parse_command("HELLO")), "HELLO takes 1 argument");
  EXPECT_EQ(invalid_reason(parse_command("HELLO \t ")), "HELLO takes 1 argument");
  EXPECT_EQ(invalid_reason(parse_command("HELLO Hands Wilkes")), "HELLO takes 1 argument");
}

TEST(ProtocolParse, InvalidReasonIsNeverEmpty) {
  for (const std::string_view line :
       {"x"sv, "IAMAT"sv, "IAMAT a b c"sv, "IAMAT a +1+2 c"sv, "WHATSAT a b c"sv, "WHATSAT a 1 c"sv,
        "ECHO a b c d e"sv, "ECHO a +1+2 3 x H"sv, "HELLO"sv}) {
    const Command command = parse_command(line);
    ASSERT_TRUE(std::holds_alternative<Invalid>(command)) << line;
    EXPECT_FALSE(std::get<Invalid>(command).reason.empty()) << line;
  }
}

// --- IAMAT ------------------------------------------------------------------

TEST(ProtocolParse, IamatFromSpec) {
  const std::string line = "IAMAT kiwi.cs.ucla.edu +34.068930-118.445127 1520023934.918963997";
  const Iamat iamat = parse_iamat(line);
  EXPECT_EQ(iamat.client, "kiwi.cs.ucla.edu");
  EXPECT_EQ(iamat.location, "+34.068930-118.445127");
  EXPECT_EQ(iamat.time, "1520023934.918963997");
  EXPECT_DOUBLE_EQ(iamat.coordinates.latitude, 34.068930);
  EXPECT_DOUBLE_EQ(iamat.coordinates.longitude, -118.445127);
  EXPECT_EQ(iamat.client_time, 1520023934 * second + 918963997);
  EXPECT_TRUE(points_into(iamat.client, line));
  EXPECT_TRUE(points_into(iamat.location, line));
  EXPECT_TRUE(points_into(iamat.time, line));
}

TEST(ProtocolParse, IamatClientIsAnyNonWhitespace) {
  const std::string line = "IAMAT \xc3\xa9t\xc3\xa9+-.?\x01\x7f\xff +1+2 3";
  EXPECT_EQ(parse_iamat(line).client, "\xc3\xa9t\xc3\xa9+-.?\x01\x7f\xff");
  // Command words are fine as client names too.
  EXPECT_EQ(parse_iamat("IAMAT IAMAT +1+2 3").client, "IAMAT");
}

TEST(ProtocolParse, IamatBadLocationNamesTheField) {
  EXPECT_EQ(invalid_reason(parse_command("IAMAT a 34.068930-118.445127 1")),
            "IAMAT: malformed location");
  EXPECT_EQ(invalid_reason(parse_command("IAMAT a +90.0000001+0 1")),
            "IAMAT: latitude out of range");
  EXPECT_EQ(invalid_reason(parse_command("IAMAT a +0-180.5 1")), "IAMAT: longitude out of range");
}

TEST(ProtocolParse, IamatBadTimeNamesTheField) {
  EXPECT_EQ(invalid_reason(parse_command("IAMAT a +1+2 -1")), "IAMAT: malformed time");
  EXPECT_EQ(invalid_reason(parse_command("IAMAT a +1+2 1e9")), "IAMAT: malformed time");
  EXPECT_EQ(invalid_reason(parse_command("IAMAT a +1+2 9223372036.854775808")),
            "IAMAT: time out of range");
}

TEST(ProtocolParse, IamatLocationCheckedBeforeTime) {
  EXPECT_EQ(invalid_reason(parse_command("IAMAT a +91+0 x")), "IAMAT: latitude out of range");
}

// --- Locations --------------------------------------------------------------

TEST(ProtocolLocation, IntegerCoordinates) {
  const auto location = parse_location("+12-118");
  ASSERT_TRUE(location.has_value());
  EXPECT_EQ(location->latitude, 12.0);
  EXPECT_EQ(location->longitude, -118.0);
}

TEST(ProtocolLocation, FractionalCoordinates) {
  const auto location = parse_location("+34.068930-118.445127");
  ASSERT_TRUE(location.has_value());
  EXPECT_DOUBLE_EQ(location->latitude, 34.068930);
  EXPECT_DOUBLE_EQ(location->longitude, -118.445127);
}

TEST(ProtocolLocation, MixedIntegerAndFraction) {
  const auto location = parse_location("-1.5+2");
  ASSERT_TRUE(location.has_value());
  EXPECT_EQ(location->latitude, -1.5);
  EXPECT_EQ(location->longitude, 2.0);
  const auto other = parse_location("-1+2.25");
  ASSERT_TRUE(other.has_value());
  EXPECT_EQ(other->latitude, -1.0);
  EXPECT_EQ(other->longitude, 2.25);
}

TEST(ProtocolLocation, LeadingZerosAndLongFractions) {
  const auto location = parse_location("+0089.99999999999999-000179.123456789012345");
  ASSERT_TRUE(location.has_value());
  EXPECT_DOUBLE_EQ(location->latitude, 89.99999999999999);
  EXPECT_DOUBLE_EQ(location->longitude, -179.123456789012345);
}

TEST(ProtocolLocation, BoundariesAccepted) {
  for (const std::string_view text : {"+90+180"sv, "-90-180"sv, "+90.000-180.0000"sv,
                                      "-90.0+180.0"sv, "+0+0"sv, "-0-0"sv, "+00090.0+0180"sv}) {
    EXPECT_TRUE(parse_location(text).has_value()) << text;
  }
  const auto north_east = parse_location("+90+180");
  ASSERT_TRUE(north_east.has_value());
  EXPECT_EQ(north_east->latitude, 90.0);
  EXPECT_EQ(north_east->longitude, 180.0);
  const auto south_west = parse_location("-90-180");
  ASSERT_TRUE(south_west.has_value());
  EXPECT_EQ(south_west->latitude, -90.0);
  EXPECT_EQ(south_west->longitude, -180.0);
}

TEST(ProtocolLocation, OutOfRangeRejected) {
  for (const std::string_view text :
       {"+90.0000001+0"sv, "-90.0000001+0"sv, "+91+0"sv, "+100+0"sv, "+0-180.5"sv,
        "+0+180.0000001"sv, "+0-181"sv, "+0+1000"sv, "+999999999999999999999+0"sv,
        // Rounds to 90.0 as a double, but the decimal value is above 90.
        "+90.00000000000000000000001+0"sv, "+0+180.00000000000000000000001"sv}) {
    EXPECT_FALSE(parse_location(text).has_value()) << text;
  }
}

TEST(ProtocolLocation, MissingSignRejected) {
  for (const std::string_view text :
       {"34.068930-118.445127"sv, "+34.068930118.445127"sv, "34-118"sv, "+34"sv, "-34"sv}) {
    EXPECT_FALSE(parse_location(text).has_value()) << text;
  }
}

TEST(ProtocolLocation, MalformedRejected) {
  for (const std::string_view text : {""sv,
                                      "+"sv,
                                      "+-"sv,
                                      "++1+1"sv,
                                      "+1++1"sv,
                                      "+1+-1"sv,
                                      "+.5+1"sv,
                                      "+5.+1"sv,
                                      "+1+.5"sv,
                                      "+1+5."sv,
                                      "+1.2.3+1"sv,
                                      "+1e1+1"sv,
                                      "+1+1e1"sv,
                                      "+1 +1"sv,
                                      "+1+1 "sv,
                                      " +1+1"sv,
                                      "+1+1x"sv,
                                      "+1,5+1"sv,
                                      "+inf+1"sv,
                                      "+nan+1"sv,
                                      "+0x1+1"sv,
                                      "+1+1+1"sv,
                                      "+1-1-"sv,
                                      "\xef\xbc\x8b"
                                      "1+1"sv}) {
    EXPECT_FALSE(parse_location(text).has_value()) << text;
  }
}

// --- Times ------------------------------------------------------------------

TEST(ProtocolTime, NoFractionDigits) {
  EXPECT_EQ(parse_posix_time("1520023934"), 1520023934 * second);
  EXPECT_EQ(parse_posix_time("0"), 0);
}

TEST(ProtocolTime, OneFractionDigit) {
  EXPECT_EQ(parse_posix_time("1520023934.9"), 1520023934 * second + 900000000);
  EXPECT_EQ(parse_posix_time("0.1"), 100000000);
}

TEST(ProtocolTime, NineFractionDigits) {
  EXPECT_EQ(parse_posix_time("1520023934.918963997"), 1520023934 * second + 918963997);
  EXPECT_EQ(parse_posix_time("0.000000001"), 1);
}

TEST(ProtocolTime, TwelveFractionDigitsTruncated) {
  EXPECT_EQ(parse_posix_time("1520023934.918963997999"), 1520023934 * second + 918963997);
  EXPECT_EQ(parse_posix_time("0.000000000999"), 0);
}

TEST(ProtocolTime, VeryLongFractionTruncated) {
  const std::string text = "7." + std::string(5000, '9');
  EXPECT_EQ(parse_posix_time(text), 7 * second + 999999999);
}

TEST(ProtocolTime, LeadingZerosAllowed) {
  EXPECT_EQ(parse_posix_time("0001.5"), second + 500000000);
  // Built by append: GCC 12 warns falsely (-Warray-bounds) on string + literal here.
  std::string zeros(100, '0');
  zeros.append("9223372036.854775807");
  EXPECT_EQ(parse_posix_time(zeros), std::numeric_limits<nanoseconds_t>::max());
}

TEST(ProtocolTime, LargestTimeFits) {
  EXPECT_EQ(parse_posix_time("9223372036.854775807"), std::numeric_limits<nanoseconds_t>::max());
  EXPECT_EQ(parse_posix_time("9223372036.854775807999"), std::numeric_limits<nanoseconds_t>::max());
  EXPECT_EQ(parse_posix_time("9223372036"), 9223372036 * second);
}

TEST(ProtocolTime, Int64OverflowRejected) {
  for (const std::string_view text :
       {"9223372036.854775808"sv, "9223372036.9"sv, "9223372037"sv, "9223372037.0"sv,
        "18446744073.709551616"sv, "9223372036854775807"sv, "9223372036854775808"sv,
        "18446744073709551615"sv, "18446744073709551616"sv,
        "99999999999999999999999999999999999999999999999999"sv}) {
    EXPECT_FALSE(parse_posix_time(text).has_value()) << text;
  }
}

TEST(ProtocolTime, MalformedRejected) {
  for (const std::string_view text :
       {""sv, "."sv, "1."sv, ".5"sv, "-1"sv, "+1"sv, "1e9"sv, "1.5e3"sv, "1.2.3"sv, " 1"sv, "1 "sv,
        "0x10"sv, "inf"sv, "nan"sv, "1,5"sv, "١"sv, "12a"sv}) {
    EXPECT_FALSE(parse_posix_time(text).has_value()) << text;
  }
}

// --- WHATSAT ----------------------------------------------------------------

TEST(ProtocolParse, WhatsatFromSpec) {
  const std::string line = "WHATSAT kiwi.cs.ucla.edu 10 5";
  const Whatsat whatsat = parse_whatsat(line);
  EXPECT_EQ(whatsat.client, "kiwi.cs.ucla.edu");
  EXPECT_EQ(whatsat.radius_km, 10.0);
  EXPECT_EQ(whatsat.bound, 5);
  EXPECT_TRUE(points_into(whatsat.client, line));
}

TEST(ProtocolParse, WhatsatRadiusBoundaries) {
  EXPECT_EQ(parse_whatsat("WHATSAT a 0 1").radius_km, 0.0);
  EXPECT_EQ(parse_whatsat("WHATSAT a 50 1").radius_km, 50.0);
  EXPECT_EQ(parse_whatsat("WHATSAT a 50.000 1").radius_km, 50.0);
  EXPECT_EQ(parse_whatsat("WHATSAT a 0.5 1").radius_km, 0.5);
  EXPECT_EQ(parse_whatsat("WHATSAT a 049.75 1").radius_km, 49.75);
}

TEST(ProtocolParse, WhatsatRadiusOutOfRange) {
  EXPECT_EQ(invalid_reason(parse_command("WHATSAT a 50.5 1")), "WHATSAT: radius above 50 km");
  EXPECT_EQ(invalid_reason(parse_command("WHATSAT a 51 1")), "WHATSAT: radius above 50 km");
  EXPECT_EQ(invalid_reason(parse_command("WHATSAT a 50.0000000000000000001 1")),
            "WHATSAT: radius above 50 km");
  EXPECT_EQ(invalid_reason(parse_command("WHATSAT a 99999999999999999999999 1")),
            "WHATSAT: radius above 50 km");
}

TEST(ProtocolParse, WhatsatRadiusMalformed) {
  for (const std::string_view radius : {"-1"sv, "abc"sv, "1e1"sv, "+1"sv, ".5"sv, "5."sv, "1.2.3"sv,
                                        "inf"sv, "nan"sv, "0x1"sv, "10km"sv}) {
    const std::string line = "WHATSAT a " + std::string(radius) + " 1";
    EXPECT_EQ(invalid_reason(parse_command(line)), "WHATSAT: malformed radius") << line;
  }
}

TEST(ProtocolParse, WhatsatBoundBoundaries) {
  EXPECT_EQ(parse_whatsat("WHATSAT a 1 0").bound, 0);
  EXPECT_EQ(parse_whatsat("WHATSAT a 1 20").bound, 20);
  EXPECT_EQ(parse_whatsat("WHATSAT a 1 007").bound, 7);
}

TEST(ProtocolParse, WhatsatBoundOutOfRange) {
  for (const std::string_view bound : {"21"sv, "100"sv, "2147483647"sv, "2147483648"sv,
                                       "4294967316"sv, "99999999999999999999999999999999"sv}) {
    const std::string line = "WHATSAT a 1 " + std::string(bound);
    EXPECT_EQ(invalid_reason(parse_command(line)), "WHATSAT: bound above 20") << line;
  }
}

TEST(ProtocolParse, WhatsatBoundMalformed) {
  for (const std::string_view bound : {"2.5"sv, "-1"sv, "+1"sv, "abc"sv, "1e1"sv, "20.0"sv}) {
    const std::string line = "WHATSAT a 1 " + std::string(bound);
    EXPECT_EQ(invalid_reason(parse_command(line)), "WHATSAT: malformed bound") << line;
  }
}

// --- ECHO -------------------------------------------------------------------

TEST(ProtocolParse, EchoValid) {
  const std::string line =
      "ECHO kiwi.cs.ucla.edu +34.068930-118.445127 1520023934.918963997 1520023935.182837383 "
      "Goloman";
  const Echo echo = parse_echo(line);
  EXPECT_EQ(echo.client, "kiwi.cs.ucla.edu");
  EXPECT_EQ(echo.location, "+34.068930-118.445127");
  EXPECT_EQ(echo.time, "1520023934.918963997");
  EXPECT_EQ(echo.client_time, 1520023934 * second + 918963997);
  EXPECT_EQ(echo.receive_time, 1520023935 * second + 182837383);
  EXPECT_EQ(echo.origin, "Goloman");
  EXPECT_TRUE(points_into(echo.origin, line));
}

TEST(ProtocolParse, EchoAcceptsAnyTimeGrammar) {
  const Echo echo = parse_echo("ECHO a\t+1+2  3.123456789012\v4 \f Hands");
  EXPECT_EQ(echo.time, "3.123456789012");
  EXPECT_EQ(echo.client_time, 3 * second + 123456789);
  EXPECT_EQ(echo.receive_time, 4 * second);
  EXPECT_EQ(echo.origin, "Hands");
}

TEST(ProtocolParse, EchoInvalidFields) {
  EXPECT_EQ(invalid_reason(parse_command("ECHO a 1+2 3 4 Hands")), "ECHO: malformed location");
  EXPECT_EQ(invalid_reason(parse_command("ECHO a +91+2 3 4 Hands")), "ECHO: latitude out of range");
  EXPECT_EQ(invalid_reason(parse_command("ECHO a +1+181 3 4 Hands")),
            "ECHO: longitude out of range");
  EXPECT_EQ(invalid_reason(parse_command("ECHO a +1+2 x 4 Hands")), "ECHO: malformed client time");
  EXPECT_EQ(invalid_reason(parse_command("ECHO a +1+2 9223372037 4 Hands")),
            "ECHO: client time out of range");
  EXPECT_EQ(invalid_reason(parse_command("ECHO a +1+2 3 -4 Hands")),
            "ECHO: malformed receive time");
  EXPECT_EQ(invalid_reason(parse_command("ECHO a +1+2 3 9223372036.854775808 Hands")),
            "ECHO: receive time out of range");
}

// --- HELLO ------------------------------------------------------------------

TEST(ProtocolParse, HelloValid) {
  const Command command = parse_command("HELLO Hands");
  const auto* hello = std::get_if<Hello>(&command);
  ASSERT_NE(hello, nullptr) << invalid_reason(command);
  EXPECT_EQ(hello->member, "Hands");
}

TEST(ProtocolParse, HelloMemberIsCopiedExactly) {
  // The parser does not know the topology: deciding who may say HELLO is the link's job.
  const Command command = parse_command("\tHELLO   golomon\r");
  const auto* hello = std::get_if<Hello>(&command);
  ASSERT_NE(hello, nullptr) << invalid_reason(command);
  EXPECT_EQ(hello->member, "golomon");
}

// --- Formatting -------------------------------------------------------------

TEST(ProtocolFormat, DiffAndTimeAreAppended) {
  std::string out = "AT Goloman ";
  append_diff(out, 263873386);
  out += " / ";
  append_posix_time(out, 1520023934 * second + 918963997);
  EXPECT_EQ(out, "AT Goloman +0.263873386 / 1520023934.918963997");
}

TEST(ProtocolFormat, DiffPositive) {
  EXPECT_EQ(diff_text(263873386), "+0.263873386");
  EXPECT_EQ(diff_text(1234 * second + 1), "+1234.000000001");
  EXPECT_EQ(diff_text(1), "+0.000000001");
  EXPECT_EQ(diff_text(second), "+1.000000000");
}

TEST(ProtocolFormat, DiffZero) { EXPECT_EQ(diff_text(0), "+0.000000000"); }

TEST(ProtocolFormat, DiffNegative) {
  EXPECT_EQ(diff_text(-2 * second), "-2.000000000");
  EXPECT_EQ(diff_text(-1), "-0.000000001");
  EXPECT_EQ(diff_text(-263873386), "-0.263873386");
  EXPECT_EQ(diff_text(-(1234 * second + 500000000)), "-1234.500000000");
}

TEST(ProtocolFormat, DiffLarge) {
  EXPECT_EQ(diff_text(1520023934 * second + 918963997), "+1520023934.918963997");
  EXPECT_EQ(diff_text(std::numeric_limits<nanoseconds_t>::max()), "+9223372036.854775807");
  EXPECT_EQ(diff_text(std::numeric_limits<nanoseconds_t>::min()), "-9223372036.854775808");
}

TEST(ProtocolFormat, PosixTime) {
  EXPECT_EQ(time_text(1520023935 * second + 182837383), "1520023935.182837383");
  EXPECT_EQ(time_text(0), "0.000000000");
  EXPECT_EQ(time_text(5), "0.000000005");
  EXPECT_EQ(time_text(std::numeric_limits<nanoseconds_t>::max()), "9223372036.854775807");
}

TEST(ProtocolFormat, PosixTimeNegativeKeepsSign) {
  EXPECT_EQ(time_text(-1), "-0.000000001");
  EXPECT_EQ(time_text(std::numeric_limits<nanoseconds_t>::min()), "-9223372036.854775808");
}

TEST(ProtocolFormat, PosixTimeRoundTrips) {
  for (const nanoseconds_t time :
       {nanoseconds_t{0}, nanoseconds_t{1}, nanoseconds_t{999999999}, 1520023935 * second,
        1520023935 * second + 182837383, std::numeric_limits<nanoseconds_t>::max()}) {
    EXPECT_EQ(parse_posix_time(time_text(time)), time) << time;
  }
}

TEST(ProtocolFormat, DiffRoundTripsWithoutSign) {
  for (const nanoseconds_t diff : {nanoseconds_t{0}, nanoseconds_t{42}, 1234 * second + 1,
                                   std::numeric_limits<nanoseconds_t>::max()}) {
    const std::string text = diff_text(diff);
    ASSERT_EQ(text.front(), '+');
    EXPECT_EQ(parse_posix_time(std::string_view(text).substr(1)), diff) << text;
  }
}

TEST(ProtocolFormat, AtLineFromSpec) {
  std::string out;
  append_at_line(out, "Goloman", 263873386, "kiwi.cs.ucla.edu", "+34.068930-118.445127",
                 "1520023934.918963997");
  EXPECT_EQ(out,
            "AT Goloman +0.263873386 kiwi.cs.ucla.edu +34.068930-118.445127 "
            "1520023934.918963997");
}

TEST(ProtocolFormat, AtLineAppendsAndKeepsNegativeDiff) {
  std::string out = "prefix\n";
  append_at_line(out, "Hands", -2 * second, "c", "+1+2", "3");
  EXPECT_EQ(out, "prefix\nAT Hands -2.000000000 c +1+2 3");
  append_at_line(out, "Welsh", 0, "d", "-1-2", "4.5");
  EXPECT_EQ(out, "prefix\nAT Hands -2.000000000 c +1+2 3AT Welsh +0.000000000 d -1-2 4.5");
}

TEST(ProtocolFormat, AtLineCopiesTextByteForByte) {
  std::string out;
  append_at_line(out, "Wilkes", 1, "\xff\x01x", "+0090.000-000180", "0001.5000000000000");
  EXPECT_EQ(out, "AT Wilkes +0.000000001 \xff\x01x +0090.000-000180 0001.5000000000000");
}

TEST(ProtocolFormat, EchoLine) {
  std::string out;
  append_echo_line(out, "kiwi.cs.ucla.edu", "+34.068930-118.445127", "1520023934.918963997",
                   1520023935 * second + 182837383, "Goloman");
  EXPECT_EQ(out,
            "ECHO kiwi.cs.ucla.edu +34.068930-118.445127 1520023934.918963997 "
            "1520023935.182837383 Goloman");
}

TEST(ProtocolFormat, EchoLineAppends) {
  std::string out = "x";
  append_echo_line(out, "c", "+1+2", "3", 0, "Welsh");
  EXPECT_EQ(out, "xECHO c +1+2 3 0.000000000 Welsh");
}

TEST(ProtocolFormat, EchoLineParsesBackToSameRecord) {
  std::string out;
  const nanoseconds_t received = 1520023935 * second + 182837383;
  append_echo_line(out, "kiwi", "-33.8688+151.2093", "1520023934.9189639979", received, "Welsh");
  const Echo echo = parse_echo(out);
  EXPECT_EQ(echo.client, "kiwi");
  EXPECT_EQ(echo.location, "-33.8688+151.2093");
  EXPECT_EQ(echo.time, "1520023934.9189639979");
  EXPECT_EQ(echo.client_time, 1520023934 * second + 918963997);
  EXPECT_EQ(echo.receive_time, received);
  EXPECT_EQ(echo.origin, "Welsh");
}

TEST(ProtocolFormat, AtLineFromParsedIamat) {
  const Iamat iamat = parse_iamat("IAMAT kiwi +34.068930-118.445127 1520023934.918963997");
  std::string out;
  append_at_line(out, "Goloman", 1520023935 * second + 182837383 - iamat.client_time, iamat.client,
                 iamat.location, iamat.time);
  EXPECT_EQ(out, "AT Goloman +0.263873386 kiwi +34.068930-118.445127 1520023934.918963997");
}

// --- Clock skew (protocol.md §3, §5) -----------------------------------------------

constexpr nanoseconds_t minute = 60 * second;
constexpr nanoseconds_t max_time = std::numeric_limits<nanoseconds_t>::max();

TEST(ProtocolClockSkew, UpToTheSkewAheadPassesOneNanosecondMoreDoesNot) {
  const nanoseconds_t now = 1700000000 * second + 123;
  const nanoseconds_t skew = 10 * minute;
  EXPECT_FALSE(too_far_ahead(now, now, skew));
  EXPECT_FALSE(too_far_ahead(now + skew, now, skew));
  EXPECT_TRUE(too_far_ahead(now + skew + 1, now, skew));
  EXPECT_TRUE(too_far_ahead(max_time, now, skew));
}

TEST(ProtocolClockSkew, PastTimesAlwaysPass) {
  const nanoseconds_t now = 1700000000 * second;
  for (const nanoseconds_t past : {nanoseconds_t{0}, now - 1, now - 100 * 365 * 24 * 60 * minute}) {
    EXPECT_FALSE(too_far_ahead(past, now, 1)) << past;
  }
}

TEST(ProtocolClockSkew, ExtremeClocksDoNotOverflow) {
  const nanoseconds_t min_time = std::numeric_limits<nanoseconds_t>::min();
  EXPECT_TRUE(too_far_ahead(max_time, min_time, max_time));
  EXPECT_TRUE(too_far_ahead(max_time, -1, 10 * minute));
  EXPECT_FALSE(too_far_ahead(max_time, 0, max_time));
  EXPECT_TRUE(too_far_ahead(max_time, -1, max_time)) << "one more than INT64_MAX ahead";
  EXPECT_FALSE(too_far_ahead(max_time, max_time, 0));
}

TEST(ProtocolClockSkew, IamatTimeAtTheEdgeOfTheWindow) {
  const nanoseconds_t now = 1700000000 * second + 999999999;
  const nanoseconds_t skew = 10 * minute;
  const std::string at_edge = "IAMAT c +0+0 " + time_text(now + skew);
  const std::string past_edge = "IAMAT c +0+0 " + time_text(now + skew + 1);
  EXPECT_EQ(future_time_problem(parse_iamat(at_edge), now, skew), "");
  EXPECT_EQ(future_time_problem(parse_iamat(past_edge), now, skew),
            "IAMAT: time too far ahead of this member's clock");
  // The latest valid time: it would pin "victim" for ever.
  EXPECT_EQ(future_time_problem(parse_iamat("IAMAT victim +0+0 9223372036.854775807"), now, skew),
            "IAMAT: time too far ahead of this member's clock");
  EXPECT_EQ(future_time_problem(parse_iamat("IAMAT old +0+0 0"), now, skew), "");
}

TEST(ProtocolClockSkew, EchoClientAndReceiveTimesAreBothChecked) {
  const nanoseconds_t now = 1700000000 * second;
  const nanoseconds_t skew = minute;
  const auto echo = [](nanoseconds_t client_time, nanoseconds_t receive_time) {
    std::string line;
    append_echo_line(line, "c", "+0+0", time_text(client_time), receive_time, "Hands");
    return parse_echo(line);
  };
  EXPECT_EQ(future_time_problem(echo(now + skew, now + skew), now, skew), "");
  EXPECT_EQ(future_time_problem(echo(now + skew + 1, now), now, skew),
            "ECHO: client time too far ahead of this member's clock");
  EXPECT_EQ(future_time_problem(echo(now, now + skew + 1), now, skew),
            "ECHO: receive time too far ahead of this member's clock");
  EXPECT_EQ(future_time_problem(echo(0, 0), now, skew), "");
}

// --- Line limits (protocol.md §2, §5) ----------------------------------------------

// An IAMAT of exactly `size` bytes with single separators, whose client (0),
// location (1) or time (2) takes every byte the others leave.
std::string longest_iamat(std::size_t size, int longest_field) {
  std::string client = "c", location = "+0+0", time = "0";
  const std::size_t extra = size - std::string("IAMAT c +0+0 0").size();
  if (longest_field == 0) client += std::string(extra, 'c');
  if (longest_field == 1) location = "+0." + std::string(extra - 1, '0') + "+0";
  if (longest_field == 2) time = "0." + std::string(extra - 1, '0');
  return "IAMAT " + client + " " + location + " " + time;
}

TEST(ProtocolLimits, EchoOfTheLongestIamatFitsTheLinkLimitExactly) {
  const std::string origin(max_member_name_bytes, 'O');
  for (const std::size_t max_line : {std::size_t{64}, std::size_t{8192}, max_line_bytes_limit}) {
    Config config;
    config.max_line_bytes = max_line;
    for (int longest_field = 0; longest_field < 3; ++longest_field) {
      const std::string line = longest_iamat(max_line, longest_field);
      ASSERT_EQ(line.size(), max_line);
      const Iamat iamat = parse_iamat(line);
      std::string echo;
      append_echo_line(echo, iamat.client, iamat.location, iamat.time, max_time, origin);
      EXPECT_EQ(echo.size(), config.peer_max_line_bytes())
          << "max_line_bytes " << max_line << ", longest field " << longest_field;
      EXPECT_EQ(parse_echo(echo).origin, origin);
    }
  }
}

}  // namespace
}  // namespace herd
