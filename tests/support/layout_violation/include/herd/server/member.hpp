// The concern above.
#pragma once
