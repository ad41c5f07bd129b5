// Loading a GeoNames dump from disk: bad rows counted and skipped, the names
// files beside it, and the files that cannot be a gazetteer.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "geonames_rows.hpp"
#include "herd/gazetteer/gazetteer_file.hpp"
#include "test_herd.hpp"

namespace herd {
namespace {

using test::geonames_place;
using ::testing::HasSubstr;

class GazetteerFile : public ::testing::Test {
 protected:
  ~GazetteerFile() override { std::filesystem::remove_all(directory_); }

  std::filesystem::path write(const std::string& name, const std::string& text) {
    const auto path = directory_ / name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  GazetteerLoad load(const std::filesystem::path& file) {
    const std::atomic<bool> stop = false;
    return load_gazetteer(file, stop);
  }

  // Where the places within 50 km of `latitude`,`longitude` are.
  static std::vector<std::string> vicinities(const Gazetteer& gazetteer, double latitude,
                                             double longitude) {
    std::vector<GazetteerHit> hits;
    gazetteer.nearby(latitude, longitude, 50, 20, hits);
    std::vector<std::string> result;
    for (const auto& hit : hits) result.push_back(gazetteer.vicinity(hit.place));
    return result;
  }

  const std::filesystem::path directory_ = test::make_temp_dir("herd-gazetteer");
};

TEST_F(GazetteerFile, LoadsEveryGoodRowAndCountsTheBadOnes) {
  const std::string text =
      geonames_place(1, "One", "10", "20", 100).line() + "\n" + "this is not a row\n" +  // line 2
      "\n" +  // empty: not a row
      geonames_place(2, "Two", "10.01", "20", 200).line() + "\r\n" +
      geonames_place(3, "Three", "95", "20", 300).line() + "\n" + "\r\n" +
      geonames_place(4, "Four", "10.02", "20", 400).line();  // no final newline
  const GazetteerLoad result = load(write("places.txt", text));
  ASSERT_TRUE(result.gazetteer) << result.error;
  EXPECT_EQ(result.error, "");
  EXPECT_EQ(result.gazetteer->size(), 3u);
  EXPECT_EQ(result.rows, 5u);
  EXPECT_EQ(result.skipped, 2u);
  EXPECT_EQ(result.first_skipped_line, 2u);
  EXPECT_EQ(result.first_skipped_why, "not 19 tab-separated columns");
  std::vector<GazetteerHit> hits;
  result.gazetteer->nearby(10, 20, 50, 20, hits);
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(result.gazetteer->name(hits[0].place), "Four");
  EXPECT_EQ(result.gazetteer->name(hits[2].place), "One");
}

TEST_F(GazetteerFile, NamesAdminAreasAndCountriesFromTheFilesBeside) {
  auto paris = geonames_place(2988507, "Paris", "48.85341", "2.3488", 2138551);
  paris.country = "FR";
  paris.admin1 = "11";
  auto oslo = geonames_place(3143244, "Oslo", "59.91273", "10.74609", 1082575);
  oslo.country = "NO";
  oslo.admin1 = "12";
  const auto file = write("cities.txt", paris.line() + "\n" + oslo.line() + "\n");
  write(std::string(geonames_admin1_file),
        "FR.11\t\xC3\x8Ele-de-France\tIle-de-France\t3012874\n"
        "broken line without a tab\n"
        "FR.93\t\tno name\t1\n"
        "NO.30\tViken\tViken\t11\r\n");
  write(std::string(geonames_country_file),
        "# GeoNames country info\n"
        "#ISO\tISO3\tISO-Numeric\tfips\tCountry\tCapital\n"
        "FR\tFRA\t250\tFR\tFrance\tParis\n"
        "NO\tNOR\t578\tNO\tNorway\tOslo\n"
        "XX\ttoo few columns\n");
  const GazetteerLoad result = load(file);
  ASSERT_TRUE(result.gazetteer) << result.error;
  EXPECT_EQ(result.admin1_names, 2u);
  EXPECT_EQ(result.country_names, 2u);
  EXPECT_THAT(vicinities(*result.gazetteer, 48.85, 2.35),
              ::testing::ElementsAre("\xC3\x8Ele-de-France, France"));
  EXPECT_THAT(vicinities(*result.gazetteer, 59.9, 10.7), ::testing::ElementsAre("Norway"))
      << "NO.12 has no name in the file";
}

TEST_F(GazetteerFile, WithoutNamesFilesVicinitiesShowTheCodes) {
  auto paris = geonames_place(2988507, "Paris", "48.85341", "2.3488", 2138551);
  paris.country = "FR";
  paris.admin1 = "11";
  const GazetteerLoad result = load(write("cities.txt", paris.line() + "\n"));
  ASSERT_TRUE(result.gazetteer) << result.error;
  EXPECT_EQ(result.admin1_names, 0u);
  EXPECT_THAT(vicinities(*result.gazetteer, 48.85, 2.35), ::testing::ElementsAre("11, FR"));
}

TEST_F(GazetteerFile, FilesThatAreNoGazetteerAreErrorsNamingThem) {
  const auto missing = directory_ / "missing.txt";
  EXPECT_THAT(load(missing).error, HasSubstr(missing.string() + ": cannot open: No such file"));
  EXPECT_THAT(load(directory_).error, HasSubstr(directory_.string() + ": is not a regular file"));
  const auto empty = write("empty.txt", "");
  EXPECT_EQ(load(empty).error, empty.string() + ": holds no rows");
  const auto blank = write("blank.txt", "\n\r\n\n");
  EXPECT_EQ(load(blank).error, blank.string() + ": holds no rows");
  const auto wrong =
      write("admin1CodesASCII.txt",
            "US.CA\tCalifornia\tCalifornia\t5332921\nUS.NY\tNew York\tNew York\t5128638\n");
  const GazetteerLoad result = load(wrong);
  EXPECT_FALSE(result.gazetteer);
  EXPECT_EQ(result.error,
            wrong.string() + ": holds no GeoNames row (line 1: not 19 tab-separated columns)");
}

TEST_F(GazetteerFile, StopsWhenAsked) {
  std::string text;
  const std::string line = geonames_place(1, "Same", "1", "2", 3).line() + "\n";
  for (int i = 0; i < (1 << 16) + 1; ++i) text += line;
  const auto file = write("many.txt", text);
  const std::atomic<bool> stop = true;
  const GazetteerLoad stopped = load_gazetteer(file, stop);
  EXPECT_FALSE(stopped.gazetteer);
  EXPECT_EQ(stopped.error, file.string() + ": loading stopped");
  const GazetteerLoad whole = load(file);
  ASSERT_TRUE(whole.gazetteer);
  EXPECT_EQ(whole.gazetteer->size(), (1u << 16) + 1);
}

TEST_F(GazetteerFile, StartUpCheckReadsTheFirstRowOnly) {
  std::string error;
  const auto good =
      write("good.txt", geonames_place(1, "One", "1", "2", 3).line() + "\nnot a row\n");
  EXPECT_TRUE(check_gazetteer_file(good, error)) << error;

  const auto missing = directory_ / "missing.txt";
  EXPECT_FALSE(check_gazetteer_file(missing, error));
  EXPECT_EQ(error, missing.string() + ": cannot open: No such file or directory");
  EXPECT_FALSE(check_gazetteer_file(directory_, error));
  EXPECT_EQ(error, directory_.string() + ": is not a regular file");
  const auto empty = write("empty.txt", "");
  EXPECT_FALSE(check_gazetteer_file(empty, error));
  EXPECT_EQ(error, empty.string() + ": is empty, or starts with an empty line");
  const auto wrong = write("countryInfo.txt", "#ISO\tISO3\nUS\tUSA\n");
  EXPECT_FALSE(check_gazetteer_file(wrong, error));
  EXPECT_EQ(error,
            wrong.string() + ": line 1 is not a GeoNames row (not 19 tab-separated columns)");
}

}  // namespace
}  // namespace herd
