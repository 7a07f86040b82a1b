@NullMarked
package io.headroom.examples.shortener;

import org.jspecify.annotations.NullMarked;
