@NullMarked
package io.headroom.archtest;

import org.jspecify.annotations.NullMarked;
