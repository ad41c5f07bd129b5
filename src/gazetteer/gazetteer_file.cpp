#include "herd/gazetteer/gazetteer_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <vector>

#include "herd/common/utf8.hpp"

namespace herd {

namespace {

// How many lines pass between looks at the stop flag.
constexpr std::size_t stop_check_lines = 1 << 16;
// Enough for any GeoNames row: a start-up check reads no more of the file.
constexpr std::size_t first_row_bytes = 1 << 16;

std::string describe(const std::filesystem::path& file, std::string_view what) {
  return file.string() + ": " + std::string(what);
}

// A file open for reading; closed when destroyed.
class FileDescriptor {
 public:
  explicit FileDescriptor(const std::filesystem::path& file)
      : fd_(::open(file.c_str(), O_RDONLY | O_CLOEXEC)) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Opens `file` as a regular file; on failure returns -1 in the descriptor and sets `error`.
bool open_regular(const std::filesystem::path& file, FileDescriptor& fd, off_t& size,
                  std::string& error) {
  if (fd.get() < 0) {
    error = describe(file, std::string("cannot open: ") + std::strerror(errno));
    return false;
  }
  struct stat status {};
  if (::fstat(fd.get(), &status) != 0) {
    error = describe(file, std::string("cannot stat: ") + std::strerror(errno));
    return false;
  }
  if (!S_ISREG(status.st_mode)) {
    error = describe(file, "is not a regular file");
    return false;
  }
  size = status.st_size;
  return true;
}

// The whole file, mapped read-only for as long as this lives.
class MappedFile {
 public:
  MappedFile(int fd, std::size_t size) : size_(size) {
    if (size_ == 0) return;
    // Populated at once: every page is read, and faulting them in one by one costs more.
    void* data = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (data == MAP_FAILED)
      throw std::runtime_error(std::string("cannot map: ") + std::strerror(errno));
    data_ = static_cast<const char*>(data);
    ::madvise(data, size_, MADV_SEQUENTIAL);
  }
  ~MappedFile() {
    if (data_ != nullptr) ::munmap(const_cast<char*>(data_), size_);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  std::string_view text() const { return {data_, size_}; }

 private:
  const char* data_ = nullptr;
  std::size_t size_;
};

// Calls `line(text)` for each line of `text`, without its "\n"; stops early
// when `line` returns false.
template <typename Line>
void for_each_line(std::string_view text, Line&& line) {
  while (!text.empty()) {
    const auto newline = text.find('\n');
    const std::string_view current = text.substr(0, newline);
    if (!line(current)) return;
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
  }
}

template <typename Column>
void for_each_column(std::string_view line, Column&& column) {
  for (;;) {
    const auto tab = line.find('\t');
    column(line.substr(0, tab));
    if (tab == std::string_view::npos) return;
    line.remove_prefix(tab + 1);
  }
}

// Tab-separated columns `key` and `value` of each line of `file` into `names`;
// lines that start with '#', lack the columns or hold no printable UTF-8 name
// are skipped.
void read_names(const std::filesystem::path& file, std::size_t key, std::size_t value,
                std::unordered_map<std::string, std::string>& names) {
  std::ifstream input(file, std::ios::binary);
  std::string line;
  std::vector<std::string_view> columns;
  while (std::getline(input, line)) {
    if (line.starts_with('#')) continue;
    if (line.ends_with('\r')) line.pop_back();
    columns.clear();
    for_each_column(line, [&](std::string_view column) { columns.push_back(column); });
    if (columns.size() <= std::max(key, value) || columns[key].empty()) continue;
    const std::string_view name = columns[value];
    if (name.empty() || !printable_utf8(name)) continue;
    names.insert_or_assign(std::string(columns[key]), std::string(name));
  }
}

}  // namespace

GeonamesAreaNames read_area_names(const std::filesystem::path& directory) {
  GeonamesAreaNames names;
  read_names(directory / geonames_admin1_file, 0, 1, names.admin1);
  read_names(directory / geonames_country_file, 0, 4, names.countries);
  return names;
}

GazetteerLoad load_gazetteer(const std::filesystem::path& file, const std::atomic<bool>& stop) {
  GazetteerLoad load;
  FileDescriptor fd(file);
  off_t size = 0;
  if (!open_regular(file, fd, size, load.error)) return load;
  try {
    const GeonamesAreaNames names = read_area_names(file.parent_path());
    load.admin1_names = names.admin1.size();
    load.country_names = names.countries.size();
    const MappedFile mapped(fd.get(), static_cast<std::size_t>(size));
    const std::string_view text = mapped.text();
    GazetteerBuilder builder(
        names, static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1);
    std::size_t line_number = 0;
    bool stopped = false;
    for_each_line(text, [&](std::string_view line) {
      ++line_number;
      if (line_number % stop_check_lines == 0 && stop.load(std::memory_order_relaxed)) {
        stopped = true;
        return false;
      }
      if (line.empty() || line == "\r") return true;
      ++load.rows;
      std::string_view why;
      if (const auto row = parse_geonames_row(line, why)) {
        builder.add(*row);
      } else if (load.skipped++ == 0) {
        load.first_skipped_line = line_number;
        load.first_skipped_why = why;
      }
      return true;
    });
    if (stopped) {
      load.error = describe(file, "loading stopped");
      return load;
    }
    if (builder.size() == 0) {
      load.error =
          describe(file, load.rows == 0 ? "holds no rows"
                                        : "holds no GeoNames row (line " +
                                              std::to_string(load.first_skipped_line) + ": " +
                                              std::string(load.first_skipped_why) + ")");
      return load;
    }
    load.gazetteer = std::move(builder).finish();
  } catch (const std::exception& failure) {
    load.error = describe(file, failure.what());
    load.gazetteer.reset();
  }
  return load;
}

bool check_gazetteer_file(const std::filesystem::path& file, std::string& error) {
  FileDescriptor fd(file);
  off_t size = 0;
  if (!open_regular(file, fd, size, error)) return false;
  std::string start(first_row_bytes, '\0');
  const ssize_t got = ::pread(fd.get(), start.data(), start.size(), 0);
  if (got < 0) {
    error = describe(file, std::string("cannot read: ") + std::strerror(errno));
    return false;
  }
  start.resize(static_cast<std::size_t>(got));
  const std::string_view first_line = std::string_view(start).substr(0, start.find('\n'));
  if (first_line.empty()) {
    error = describe(file, "is empty, or starts with an empty line");
    return false;
  }
  std::string_view why;
  if (!parse_geonames_row(first_line, why)) {
    error = describe(file, "line 1 is not a GeoNames row (" + std::string(why) + ")");
    return false;
  }
  return true;
}

}  // namespace herd
