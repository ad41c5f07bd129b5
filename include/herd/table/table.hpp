// The record table: the latest AT line of every client (protocol.md §5).
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

#include "herd/protocol/protocol.hpp"
#include "herd/table/block_reserve.hpp"
#include "herd/table/client_index.hpp"
#include "herd/table/mapped_block.hpp"
#include "herd/table/siphash.hpp"
#include "herd/table/text_arena.hpp"

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

// Compares records by protocol.md §5's total order. Member names decide the last tie,
// so the comparator is built from them once.
class RecordOrder {
 public:
  explicit RecordOrder(const std::vector<std::string>& member_names);
  bool greater(const RecordView& a, const RecordView& b) const;

 private:
  std::vector<std::uint8_t> rank_by_origin_;  // position of each member's name in sorted order
};

// How much a table may hold (protocol.md §5). Text bytes are what the text arena has
// carved out (TextArena::bytes_carved). New clients are admitted only while
// that stays within the budget less a reserve of 1/16 of it, kept for the
// records of known clients that outgrow their slices; a growth that does not
// fit the whole budget is refused as a new client is. So at the bound known
// clients still update, and memory for texts never exceeds the budget.
struct TableLimits {
  std::size_t max_records = SIZE_MAX;
  std::size_t max_record_text_bytes = SIZE_MAX;
};

// What apply() did with an update.
enum class Applied {
  stored,     // it is now the client's record
  not_newer,  // the held record is greater or the same: nothing changed
  no_room,    // a new client, or a record that must grow, past the table's
              // bounds (or a text too long to hold): nothing changed
};

class Table {
 public:
  // `key` keys the client index's hash; tests fix it, a member keeps its
  // process's secret one.
  explicit Table(const std::vector<std::string>& member_names, TableLimits limits = {},
                 const SipKey& key = process_sip_key());
  ~Table();
  Table(const Table&) = delete;
  Table& operator=(const Table&) = delete;

  // The most bytes of client, location and time one record holds: their sizes
  // are 16 bits.
  static constexpr std::size_t max_text_bytes = UINT16_MAX;

  // Stores `update` if it is greater than the client's record (or the first)
  // and the table's bounds allow.
  Applied apply(const RecordView& update) { return apply(update, client_hash(update.client)); }
  // The same, with `hash` = client_hash(update.client) computed beforehand: the
  // hash is keyed and so not free, and a read's lines are hashed once, ahead.
  Applied apply(const RecordView& update, std::uint32_t hash);

  std::optional<RecordView> find(std::string_view client) const {
    return find(client, client_hash(client));
  }
  std::optional<RecordView> find(std::string_view client, std::uint32_t hash) const;

  // The index's hash of `client` under this table's secret key (protocol.md §5).
  std::uint32_t client_hash(std::string_view client) const {
    // The index keeps the low 32 bits: its slot number and the tag it compares.
    return static_cast<std::uint32_t>(siphash13(key_, client));
  }

  // Starts loading what apply() or find() of the client with `hash` will read first.
  void prefetch(std::uint32_t hash) const { index_.prefetch(hash); }

  // Records keep the position they were first inserted at, so a dump can walk
  // positions 0..size() while new records arrive behind it.
  std::size_t size() const { return record_count_; }
  RecordView at(std::size_t position) const;

  const TableLimits& limits() const { return limits_; }
  // Memory the texts take, held to limits().max_record_text_bytes.
  std::size_t text_bytes() const { return texts_.bytes_carved(); }
  const ClientIndex& index() const { return index_; }

 private:
  // "client location time" in one arena slice, the rest in 24 bytes: memory per
  // record bounds how many clients a member can hold, so there are no per-field
  // strings here. An update that fits the slice is written over it; a longer
  // one moves to a new slice with room to spare, so that a client's texts
  // rarely outgrow it, and the old slice goes back to the arena.
  struct Record {
    char* text;
    nanoseconds_t receive_time;
    std::uint16_t client_size;
    std::uint16_t location_size;
    std::uint16_t time_size;
    TextArena::SizeClass size_class;
    std::uint8_t origin;
  };
  static_assert(sizeof(Record) == 24, "memory per record counts: keep the fixed part small");

  // Records live in chunks of 2 MiB: positions stay valid as the
  // table grows, and nothing is ever copied to make room.
  static constexpr std::size_t chunk_bytes = MappedBlock::huge_page_bytes;
  static constexpr std::size_t records_per_chunk = chunk_bytes / sizeof(Record);

  Record& record(std::size_t position) const {
    return static_cast<Record*>(
        record_chunks_[position / records_per_chunk].data())[position % records_per_chunk];
  }
  Record& add_record(const RecordView& update, char* text, TextArena::SizeClass size_class);

  RecordView view(const Record& record) const;
  std::optional<std::uint32_t> position_of(std::string_view client, std::uint32_t hash) const;

  Applied add(const RecordView& update, std::uint32_t hash);
  Applied replace(Record& held, const RecordView& update);

  RecordOrder order_;
  TableLimits limits_;
  std::size_t admission_limit_;  // text bytes up to which new clients are admitted
  SipKey key_;
  BlockReserve reserve_;  // record chunks and text blocks, faulted in ahead
  TextArena texts_{reserve_};
  std::vector<MappedBlock> record_chunks_;
  std::size_t record_count_ = 0;
  ClientIndex index_;
};

// "N of M records, T of L text bytes": how full `table` is, for log lines.
std::string describe_fill(const Table& table);

}  // namespace herd
