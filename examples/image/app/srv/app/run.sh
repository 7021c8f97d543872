#!/bin/sh
echo "hello from the sekisho example"
