/**
 * The URL shortener reference app: headroom's modules working together behind Javalin, Jackson and
 * Flyway. Not API: the types here are an example to read, run and copy from.
 */
@NullMarked
package io.headroom.examples.shortener;

import org.jspecify.annotations.NullMarked;
