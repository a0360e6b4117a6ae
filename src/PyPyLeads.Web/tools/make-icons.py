"""Draws the PyPyLeads icon (the same shapes as wwwroot/icon.svg) into PNGs and an ICO, with the standard library only."""
# Run from the repository root: python3 src/PyPyLeads.Web/tools/make-icons.py src/PyPyLeads.Web/wwwroot
import struct, zlib, sys, os
BG=(0x0b,0x3d,0x91); FG=(255,255,255)
def inside_bg(x,y):
    r=12
    cx=min(max(x,r),64-r); cy=min(max(y,r),64-r)
    return (x-cx)**2+(y-cy)**2<=r*r and 0<=x<=64 and 0<=y<=64
def inside_p(x,y):
    outer = (18<=x<=30 and 14<=y<=38) or (x>=30 and (x-30)**2+(y-26)**2<=144) or (18<=x<=26 and 38<=y<=50)
    hole = (26<=x<=30 and 21<=y<=31) or (x>=30 and (x-30)**2+(y-26)**2<=25)
    return outer and not hole
def render(size, ss=4):
    rows=[]
    for py in range(size):
        row=bytearray([0])
        for px in range(size):
            a=0; fg=0
            for sy in range(ss):
                for sx in range(ss):
                    x=(px+(sx+0.5)/ss)*64/size; y=(py+(sy+0.5)/ss)*64/size
                    if inside_bg(x,y):
                        a+=1
                        if inside_p(x,y): fg+=1
            n=ss*ss
            if a==0: row+=bytes([0,0,0,0]); continue
            t=fg/a
            c=[round(BG[i]*(1-t)+FG[i]*t) for i in range(3)]
            row+=bytes(c+[round(255*a/n)])
        rows.append(bytes(row))
    raw=b''.join(rows)
    def chunk(k,d): return struct.pack('>I',len(d))+k+d+struct.pack('>I',zlib.crc32(k+d)&0xffffffff)
    return b'\x89PNG\r\n\x1a\n'+chunk(b'IHDR',struct.pack('>IIBBBBB',size,size,8,6,0,0,0))+chunk(b'IDAT',zlib.compress(raw,9))+chunk(b'IEND',b'')
out=sys.argv[1]
for name,size in [('apple-touch-icon.png',180),('icon-192.png',192),('icon-512.png',512)]:
    open(os.path.join(out,name),'wb').write(render(size, 2 if size>200 else 4))
imgs=[render(s) for s in (16,32,48)]
header=struct.pack('<HHH',0,1,len(imgs)); offset=6+16*len(imgs); entries=b''
for s,img in zip((16,32,48),imgs):
    entries+=struct.pack('<BBBBHHII',s,s,0,0,1,32,len(img),offset); offset+=len(img)
open(os.path.join(out,'favicon.ico'),'wb').write(header+entries+b''.join(imgs))
