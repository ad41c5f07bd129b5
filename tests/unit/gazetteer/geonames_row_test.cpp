// Reading one row of a GeoNames dump: the 19 columns, what is checked in the
// columns herd uses, and garbage of every kind.
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>
#include <string>

#include "geonames_rows.hpp"
#include "herd/common/utf8.hpp"
#include "herd/gazetteer/geonames_row.hpp"

namespace herd {
namespace {

using test::GeonamesRowText;

// The row's fields point into `line`, which must outlive them.
std::optional<GeonamesRow> parse(const std::string& line) {
  std::string_view why;
  return parse_geonames_row(line, why);
}

// Why the row with `edit` applied is refused ("" if it is not).
template <typename Edit>
std::string refusal(Edit edit) {
  GeonamesRowText row;
  edit(row);
  std::string_view why;
  const std::string line = row.line();
  return parse_geonames_row(line, why) ? "" : std::string(why);
}

TEST(GeonamesRow, GoodRowGivesTheColumnsHerdUses) {
  const std::string line = GeonamesRowText{}.line();
  const auto row = parse(line);
  ASSERT_TRUE(row);
  EXPECT_EQ(row->id, 5409061u);
  EXPECT_EQ(row->name, "Westwood");
  EXPECT_EQ(row->latitude_e7, 340561000);
  EXPECT_EQ(row->longitude_e7, -1184306300);
  EXPECT_EQ(row->feature_class, "P");
  EXPECT_EQ(row->feature_code, "PPLX");
  EXPECT_EQ(row->country_code, "US");
  EXPECT_EQ(row->admin1_code, "CA");
  EXPECT_EQ(row->population, 2019u);
}

TEST(GeonamesRow, RealCities500RowsParse) {
  // Lines of cities500.txt as GeoNames publishes them (alternate names cut).
  const std::string lines[] = {
      "3039163\tSant Juli\xC3\xA0 de L\xC3\xB2ria\tSant Julia de Loria\tSan Julia,Sant Julia de "
      "Loria\t42.46372\t1.49129\tP\tPPLA\tAD\t\t06\t\t\t\t8022\t\t921\tEurope/Andorra\t2013-11-23",
      "1850147\tTokyo\tTokyo\t\xE6\x9D\xB1\xE4\xBA\xAC\t35.6895\t139."
      "69171\tP\tPPLC\tJP\t\t40\t\t\t\t"
      "8336599\t\t44\tAsia/Tokyo\t2023-10-19",
      "2122850\tAnadyr\tAnadyr\t\t64.73424\t177.5103\tP\tPPLA\tRU\t\t15\t\t\t\t13045\t\t30\tAsia/"
      "Anadyr\t2019-09-05",
  };
  const auto sant_julia = parse(lines[0]);
  ASSERT_TRUE(sant_julia);
  EXPECT_EQ(sant_julia->name, "Sant Juli\xC3\xA0 de L\xC3\xB2ria");
  EXPECT_EQ(sant_julia->admin1_code, "06");
  EXPECT_EQ(sant_julia->population, 8022u);
  const auto tokyo = parse(lines[1]);
  ASSERT_TRUE(tokyo);
  EXPECT_EQ(tokyo->latitude_e7, 356895000);
  EXPECT_EQ(tokyo->longitude_e7, 1396917100);
  const auto anadyr = parse(lines[2]);
  ASSERT_TRUE(anadyr);
  EXPECT_EQ(anadyr->longitude_e7, 1775103000);
}

TEST(GeonamesRow, Utf8NamesArePassedThroughAsTheyAre) {
  GeonamesRowText row;
  row.name =
      "\xE6\x9D\xB1\xE4\xBA\xAC \xD0\x9C\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0 \xF0\x9F\x8F\x99";
  const std::string line = row.line();
  const auto parsed = parse(line);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->name, row.name);
}

TEST(GeonamesRow, AlternateNamesAndOtherColumnsAreNotNeeded) {
  GeonamesRowText row;
  row.ascii_name = row.alternate_names = row.admin2 = row.elevation = row.dem = row.timezone =
      row.modified = "";
  EXPECT_TRUE(parse(row.line()));
  row.alternate_names.assign(100'000, 'x').append("\xFF");  // long, and not even UTF-8
  EXPECT_TRUE(parse(row.line()));
}

TEST(GeonamesRow, ExactlyNineteenColumns) {
  const std::string line = GeonamesRowText{}.line();
  EXPECT_FALSE(parse(line.substr(0, line.rfind('\t'))));  // 18
  EXPECT_FALSE(parse(line + "\textra"));                  // 20
  EXPECT_FALSE(parse(line + "\t"));                       // 20, the last empty
  EXPECT_FALSE(parse(""));
  EXPECT_FALSE(parse("\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t"));  // 19 empty
  std::string_view why;
  parse_geonames_row("no tabs at all", why);
  EXPECT_EQ(why, "not 19 tab-separated columns");
}

TEST(GeonamesRow, GeonameidIsAWholeNumberThatFits) {
  for (const char* id : {"1", "4294967295"}) {
    EXPECT_EQ(refusal([&](auto& row) { row.id = id; }), "") << id;
  }
  for (const char* id : {"0", "4294967296", "-1", "+1", "12a", "", " 1", "1.0"}) {
    EXPECT_NE(refusal([&](auto& row) { row.id = id; }).find("geonameid"), std::string::npos) << id;
  }
}

TEST(GeonamesRow, NameIsPrintableUtf8OfAtMost1024Bytes) {
  EXPECT_EQ(refusal([](auto& row) { row.name = std::string(1024, 'a'); }), "");
  EXPECT_EQ(refusal([](auto& row) { row.name.assign(1024 - 2, 'a').append("\xC3\xA9"); }), "");
  for (const std::string& name :
       {std::string(1025, 'a'), std::string(), std::string("Caf\xC3"), std::string("\xC0\xAF"),
        std::string("bell\x07"), std::string("del\x7F"), std::string("new\nline"),
        std::string("\xED\xA0\x80 surrogate")}) {
    EXPECT_NE(refusal([&](auto& row) { row.name = name; }).find("name"), std::string::npos) << name;
  }
}

TEST(GeonamesRow, CoordinatesInRange) {
  EXPECT_EQ(refusal([](auto& row) {
              row.latitude = "90";
              row.longitude = "180";
            }),
            "");
  EXPECT_EQ(refusal([](auto& row) {
              row.latitude = "-90.0000000";
              row.longitude = "-180.0";
            }),
            "");
  EXPECT_EQ(refusal([](auto& row) {
              row.latitude = "5.";
              row.longitude = "+7";
            }),
            "");
  for (const char* latitude : {"90.0000001", "-90.00000005", "91", "abc", "", "1e1", "--1", ".5",
                               "1,5", "0x10", "1000", "+-1", "5.5.5"}) {
    EXPECT_NE(refusal([&](auto& row) { row.latitude = latitude; }).find("latitude"),
              std::string::npos)
        << latitude;
  }
  for (const char* longitude : {"180.0000001", "-181", "nan", "inf", " 1"}) {
    EXPECT_NE(refusal([&](auto& row) { row.longitude = longitude; }).find("longitude"),
              std::string::npos)
        << longitude;
  }
}

TEST(GeonamesRow, DegreesKeepSevenDecimalsRoundingTheRest) {
  EXPECT_EQ(parse_degrees_e7("34.06893", 90), 340689300);
  EXPECT_EQ(parse_degrees_e7("+34.06893", 90), 340689300);
  EXPECT_EQ(parse_degrees_e7("-118.445127", 180), -1184451270);
  EXPECT_EQ(parse_degrees_e7("0", 90), 0);
  EXPECT_EQ(parse_degrees_e7("-0.0", 90), 0);
  EXPECT_EQ(parse_degrees_e7("1.00000004", 90), 10000000);
  EXPECT_EQ(parse_degrees_e7("1.00000005", 90), 10000001);
  EXPECT_EQ(parse_degrees_e7("-1.000000059999", 90), -10000001);
  EXPECT_EQ(parse_degrees_e7("89.99999995", 90), 900000000);
  EXPECT_EQ(parse_degrees_e7("89.99999996", 90), 900000000);
  EXPECT_EQ(parse_degrees_e7("90.00000005", 90), std::nullopt);
  EXPECT_EQ(parse_degrees_e7("180.00000004", 180), 1800000000);
  EXPECT_EQ(parse_degrees_e7(std::string("12.").append(1000, '0'), 90), 120000000);
}

TEST(GeonamesRow, FeatureClassAndCode) {
  EXPECT_EQ(refusal([](auto& row) { row.feature_class = row.feature_code = ""; }), "");
  EXPECT_EQ(refusal([](auto& row) {
              row.feature_class = "S";
              row.feature_code = "AIRP";
            }),
            "");
  EXPECT_EQ(refusal([](auto& row) { row.feature_code = "ABCDEFGHI0"; }), "");
  for (const auto& [feature_class, code] :
       {std::pair{"PP", "PPL"}, {"p", "PPL"}, {"P", "ABCDEFGHI01"}, {"P", "PP L"}, {"1", "PPL"}}) {
    EXPECT_NE(refusal([&](auto& row) {
                row.feature_class = feature_class;
                row.feature_code = code;
              }).find("feature"),
              std::string::npos)
        << feature_class << " " << code;
  }
}

TEST(GeonamesRow, CountryAndAdmin1Codes) {
  EXPECT_EQ(refusal([](auto& row) {
              row.country = "";
              row.admin1 = "";
            }),
            "");
  EXPECT_EQ(refusal([](auto& row) { row.admin1 = std::string(20, '7'); }), "");
  for (const char* country : {"USA", "U", "us", "U1"}) {
    EXPECT_NE(refusal([&](auto& row) { row.country = country; }).find("country"), std::string::npos)
        << country;
  }
  for (const std::string& admin1 :
       {std::string(21, '7'), std::string("C A"), std::string("CA\"")}) {
    EXPECT_NE(refusal([&](auto& row) { row.admin1 = admin1; }).find("admin1"), std::string::npos)
        << admin1;
  }
}

TEST(GeonamesRow, PopulationIsAWholeNumberOrEmpty) {
  GeonamesRowText row;
  row.population = "";
  EXPECT_EQ(parse(row.line())->population, 0u);
  row.population = "18446744073709551615";
  EXPECT_EQ(parse(row.line())->population, 18446744073709551615u);
  for (const char* population : {"18446744073709551616", "-1", "1.5", "1e6", "many"}) {
    EXPECT_NE(refusal([&](auto& text) { text.population = population; }).find("population"),
              std::string::npos)
        << population;
  }
}

// Rows of real shape with random bytes changed, added or cut: the parser
// never reads out of bounds (the sanitizers watch) and what it accepts keeps
// every promise of GeonamesRow.
TEST(GeonamesRow, MutatedRowsAreRefusedOrKeepTheirPromises) {
  std::mt19937 random(2024);
  using namespace std::string_view_literals;
  const std::string_view bytes =
      "\t\t\t0123456789.-+ \r\n\x00\x7f\xC3\xA9\xFF\xE6\x9D\xB1"
      "aAzZ"sv;
  std::uniform_int_distribution<std::size_t> pick_byte(0, bytes.size() - 1);
  std::size_t accepted = 0;
  for (int i = 0; i < 20'000; ++i) {
    std::string line = GeonamesRowText{}.line();
    const int edits = 1 + static_cast<int>(random() % 4);
    for (int edit = 0; edit < edits; ++edit) {
      const std::size_t at = random() % (line.size() + 1);
      switch (random() % 3) {
        case 0:
          if (at < line.size()) line[at] = bytes[pick_byte(random)];
          break;
        case 1: line.insert(at, 1, bytes[pick_byte(random)]); break;
        default: line.erase(at, random() % 4);
      }
    }
    std::string_view why;
    const auto row = parse_geonames_row(line, why);
    if (!row) {
      EXPECT_FALSE(why.empty());
      continue;
    }
    ++accepted;
    EXPECT_GE(row->id, 1u);
    EXPECT_TRUE(!row->name.empty() && row->name.size() <= geonames_max_name_bytes);
    EXPECT_TRUE(printable_utf8(row->name)) << line;
    EXPECT_LE(std::abs(std::int64_t{row->latitude_e7}), 900'000'000);
    EXPECT_LE(std::abs(std::int64_t{row->longitude_e7}), 1'800'000'000);
    EXPECT_LE(row->feature_class.size(), 1u);
    EXPECT_TRUE(row->country_code.empty() || row->country_code.size() == 2);
  }
  EXPECT_GT(accepted, 1000u) << "mutations that leave a row valid must still be accepted";
}

}  // namespace
}  // namespace herd
