PATH=/usr/bin
