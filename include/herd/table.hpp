// The record table: the latest AT line of every client (SPEC §5).
// Records are totally ordered by (client time, receive time, origin member name);
// an update replaces the held record only if it is greater, so every member that
// has seen the same set of updates holds the same table, whatever their order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "herd/block_reserve.hpp"
#include "herd/client_index.hpp"
#include "herd/mapped_block.hpp"
#include "herd/protocol.hpp"
#include "herd/text_arena.hpp"

namespace herd {

// One record as seen from outside; the views point into the table (or into the
// parsed line, for an update) and live until the table next changes.
struct RecordView {
  std::string_view client;
  std::string_view location;
  std::string_view time;  // the client's time, byte for byte
  nanoseconds_t client_time = 0;
  nanoseconds_t receive_time = 0;
  std::uint8_t origin = 0;  // member index in the config
};

// Compares records by SPEC §5's total order. Member names decide the last tie,
// so the comparator is built from them once.
class RecordOrder {
 public:
  explicit RecordOrder(const std::vector<std::string>& member_names);
  bool greater(const RecordView& a, const RecordView& b) const;

 private:
  std::vector<std::uint8_t> rank_by_origin_;  // position of each member's name in sorted order
};

class Table {
 public:
  explicit Table(const std::vector<std::string>& member_names);
  ~Table();
  Table(const Table&) = delete;
  Table& operator=(const Table&) = delete;

  // The most bytes of client, location and time one record holds: their sizes
  // are 16 bits, and a slice is rounded up to 16 bytes.
  static constexpr std::size_t max_text_bytes = UINT16_MAX - 15;

  // Stores `update` if it is greater than the client's record (or the first);
  // returns whether it did.
  bool apply(const RecordView& update);

  std::optional<RecordView> find(std::string_view client) const;

  // Starts loading what apply() or find() of `client` will read first.
  void prefetch(std::string_view client) const;

  // Records keep the position they were first inserted at, so a dump can walk
  // positions 0..size() while new records arrive behind it.
  std::size_t size() const { return record_count_; }
  RecordView at(std::size_t position) const;

 private:
  // "client location time" in one arena slice, the rest in 32 bytes: memory per
  // record bounds how many clients a member can hold, so there are no per-field
  // strings here. An update that fits the slice is written over it; a longer
  // one gets a new slice, rounded up so that a client's texts rarely outgrow it.
  struct Record {
    char* text;
    nanoseconds_t receive_time;
    std::uint16_t client_size;
    std::uint16_t location_size;
    std::uint16_t time_size;
    std::uint16_t capacity;
    std::uint8_t origin;
  };
  static_assert(sizeof(Record) == 32, "memory per record counts: keep the fixed part small");

  // Records live in chunks of 2 MiB: positions stay valid as the
  // table grows, and nothing is ever copied to make room.
  static constexpr std::size_t chunk_bytes = MappedBlock::huge_page_bytes;
  static constexpr std::size_t records_per_chunk = chunk_bytes / sizeof(Record);

  Record& record(std::size_t position) const {
    return static_cast<Record*>(
        record_chunks_[position / records_per_chunk].data())[position % records_per_chunk];
  }
  Record& add_record(const RecordView& update);

  RecordView view(const Record& record) const;
  std::optional<std::uint32_t> position_of(std::string_view client, std::uint32_t hash) const;

  void store_text(Record& record, const RecordView& update);

  RecordOrder order_;
  BlockReserve reserve_;  // record chunks and text blocks, faulted in ahead
  TextArena texts_{reserve_};
  std::vector<MappedBlock> record_chunks_;
  std::size_t record_count_ = 0;
  ClientIndex index_;
};

// Starts the table loads for the client named by each line of `lines` before
// any is handled: a pipelined read or a burst of floods holds many lines, and
// their cache misses then overlap instead of coming one after another. Every
// command that names a client (IAMAT, WHATSAT, ECHO) names it second; for any
// other line the prefetch is wasted, nothing more.
void prefetch_clients(std::string_view lines, const Table& table);

}  // namespace herd
