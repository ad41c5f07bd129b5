// A file of a bottom concern that includes one above it: check_layout must refuse it.
#include "herd/common/piece.hpp"
#include "herd/server/member.hpp"
